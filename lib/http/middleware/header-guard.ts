/**
 * Issue 24: an identity header (Renku-Auth-*) comes once, checked before the header normaliser,
 * which would let one of two same-named headers silently win. The same duplicate is refused in
 * each form it can arrive in: two keys that differ in case, a multi-value event (payload 1.0), or
 * API Gateway's comma-joined value (no token or anonymous id holds a comma). And every header and
 * every cookie has a bounded size.
 */
import type { MiddlewareObj } from "@middy/core";
import type { AuthMode } from "../../api/route.js";
import { authenticationError, httpError } from "../../errors.js";
import type { Event, Req, Result, StateContext } from "../context.js";

export const HEADER_LIMITS = {
  /** One header's value; the largest the gateway sends (git credentials) is a few KiB. */
  value: 8 * 1024,
  /** One cookie, name and value: what browsers store at most (RFC 6265 section 6.1). */
  cookie: 4 * 1024,
  /** Every header and cookie together (API Gateway itself stops near 10 KiB). */
  total: 32 * 1024,
} as const;

const IDENTITY = "renku-auth-";
/** A name quoted in an error is the client's: cut short. */
const quoted = (name: string) => (name.length > 64 ? `${name.slice(0, 64)}…` : name);

const tooLarge = (what: string) =>
  httpError(431, { detail: `${what} is larger than the service accepts.` });

const duplicate = (name: string) =>
  authenticationError(undefined, {
    detail: `The authentication header ${quoted(name)} was sent more than once.`,
  });

type MultiValueEvent = Event & { multiValueHeaders?: Record<string, string[] | undefined> };

function checkCookies(cookies: string[]): number {
  let total = 0;
  for (const cookie of cookies) {
    for (const pair of cookie.split(";")) {
      const trimmed = pair.trim();
      total += trimmed.length;
      if (trimmed.length > HEADER_LIMITS.cookie) {
        const name = trimmed.slice(0, Math.max(0, trimmed.indexOf("=")));
        throw tooLarge(`The cookie ${quoted(name)}`);
      }
    }
  }
  return total;
}

/** Before the header normaliser: an identity header comes once (401), in whatever form. */
export function identityHeadersOnce(
  auth: AuthMode,
): MiddlewareObj<Event, Result, Error, StateContext> {
  return {
    before: (request: Req) => {
      if (auth === "none") return;
      const event = request.event as MultiValueEvent;
      const seen = new Set<string>();
      for (const [name, value] of Object.entries(event.headers ?? {})) {
        const lower = name.toLowerCase();
        if (value === undefined || !lower.startsWith(IDENTITY)) continue;
        if (seen.has(lower) || value.includes(",")) throw duplicate(name);
        seen.add(lower);
      }
      for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
        if (name.toLowerCase().startsWith(IDENTITY) && (values?.length ?? 0) > 1) {
          throw duplicate(name);
        }
      }
    },
  };
}

/**
 * After authentication (D4: who is calling comes first, an unauthenticated caller gets its 401),
 * before anything reads a header or cookie for its content: every one has a bounded size (431).
 */
export function boundedHeaders(): MiddlewareObj<Event, Result, Error, StateContext> {
  return {
    before: (request: Req) => {
      const event = request.event;
      const cookies = [...(event.cookies ?? [])];
      let total = 0;
      for (const [name, value] of Object.entries(event.headers ?? {})) {
        if (value === undefined) continue;
        total += name.length + value.length;
        if (name.toLowerCase() === "cookie") cookies.push(value);
        else if (value.length > HEADER_LIMITS.value) throw tooLarge(`The header ${quoted(name)}`);
      }
      total += checkCookies(cookies);
      if (total > HEADER_LIMITS.total) throw tooLarge("The request's headers");
    },
  };
}

/** Gateway headers -> RegisteredUser | AnonymousUser, or a 401 (docs/spec.md section 2, D8, D9, D14). */
import { parseCookie } from "cookie";
import { decodeJwt, type JWTPayload } from "jose";
import * as z from "zod/mini";
import { HEADERS } from "../api/headers.js";
import { authenticationError } from "../errors.js";
import { isLabelValue } from "../util/labels.js";
import { escapeName } from "./escape.js";
import { trustedClaims, unexpired } from "./token-shape.js";
import type { AnonymousUser, RegisteredUser, User } from "./user.js";

/** The Renku gateway's session cookie (renku-gateway sets it for every visitor of the host). */
export const RENKU_SESSION_COOKIE = "_renku_session";

export const GIT_CREDENTIALS_MESSAGE =
  "Your Gitlab credentials are invalid or expired, please login Renku, or fully log out and log back in.";

const MISSING_HEADERS_DETAIL =
  "The required authentication headers ['Renku-Auth-Access-Token', 'Renku-Auth-Id-Token', 'Renku-Auth-Git-Credentials'] are missing. If anonymous user sessions are supported then the header Renku-Auth-Anon-Id can also be used.";

export type IdTokenVerifier = (token: string) => Promise<JWTPayload>;

export interface AuthOptions {
  anonymousEnabled: boolean;
  /** Set when a JWKS URL is configured; otherwise the gateway is trusted and claims are only decoded. */
  verifyIdToken?: IdTokenVerifier | undefined;
  /** The same keys without an audience, for the access token (strict mode). */
  verifyAccessToken?: IdTokenVerifier | undefined;
  /** The configured GitLab (config git.url): its git credentials entry is the one used. */
  gitlabUrl?: string | undefined;
  /**
   * Strict (every stage but local): credentials for any other host are ignored, so a caller
   * without an entry for the configured GitLab has none, and the session clones from the
   * configured URL; otherwise the first entry stands in. Strict mode also checks the access token,
   * and an ID token that is only decoded must look signed (token-shape.ts).
   */
  strict?: boolean | undefined;
  /** The request's cookies (an HTTP API event, payload 2.0, moves them out of the headers). */
  cookies?: string[] | undefined;
  /** Unix milliseconds, for the expiry check of decoded ID tokens. */
  now?: (() => number) | undefined;
}

/**
 * What a token may hold: visible ASCII. JWTs, GitLab tokens and base64 need no more, and CR, LF,
 * NUL or any other control character would make fetch refuse the header, quoting the token.
 */
const TOKEN = /^[\x21-\x7E]+$/;
const BAD_TOKEN_DETAIL = "An authentication header holds characters that a token cannot contain.";
const isToken = (value: string) => TOKEN.test(value);

const credentialsSchema = z.record(
  z.string(),
  z.looseObject({
    AuthorizationHeader: z.string(),
    AccessTokenExpiresAt: z.optional(z.unknown()),
  }),
);

interface GitCredentials {
  gitUrl: string;
  gitToken: string;
  gitTokenExpiresAt: number;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The git token's expiry in epoch seconds, -1 when it never expires or cannot be read. The
 * gateway sends a number or a string holding one; the reference read both with float() and floored.
 */
export function expiryOf(value: unknown): number {
  let n = Number.NaN;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && DECIMAL.test(value.trim())) n = Number(value);
  return Number.isFinite(n) ? Math.floor(n) : -1;
}

const hasUserInfo = (url: string) => {
  try {
    const u = new URL(url);
    return u.username !== "" || u.password !== "";
  } catch {
    return url.includes("@");
  }
};

const hostOf = (url: string) => {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
};

/** The entry for the configured GitLab host; without one, the first entry unless strict. */
function pickCredentials<T>(
  decoded: Record<string, T>,
  opts: Pick<AuthOptions, "gitlabUrl" | "strict">,
): [string, T] | undefined {
  const entries = Object.entries(decoded);
  if (opts.gitlabUrl) {
    const host = hostOf(opts.gitlabUrl);
    const match = entries.find(([url]) => hostOf(url) === host);
    if (match || opts.strict) return match;
  }
  return entries[0];
}

function parseGitCredentials(
  raw: string | undefined,
  opts: Pick<AuthOptions, "gitlabUrl" | "strict">,
): GitCredentials {
  if (!raw) throw authenticationError(GIT_CREDENTIALS_MESSAGE);
  try {
    const decoded = credentialsSchema.parse(
      JSON.parse(Buffer.from(raw, "base64").toString("utf8")),
    );
    const picked = pickCredentials(decoded, opts);
    if (!picked) throw new Error("no credentials");
    const [entryUrl, entry] = picked;
    // A git URL never carries credentials: one that does would reach the session's clone URL.
    if (hasUserInfo(entryUrl)) throw new Error("credentials in the URL");
    const gitUrl = opts.strict && opts.gitlabUrl ? opts.gitlabUrl : entryUrl;
    const token = /^\S+\s+(\S+)$/.exec(entry.AuthorizationHeader.trim())?.[1];
    if (!token || !isToken(token)) throw new Error("no token");
    return { gitUrl, gitToken: token, gitTokenExpiresAt: expiryOf(entry.AccessTokenExpiresAt) };
  } catch {
    // The decoded value may hold a token: never echo it or its parse error.
    throw authenticationError(GIT_CREDENTIALS_MESSAGE);
  }
}

const claimString = (claims: JWTPayload, key: string): string | undefined => {
  const value = claims[key];
  return typeof value === "string" && value !== "" ? value : undefined;
};

/**
 * The token's claims, or undefined when it is refused: verified with the JWKS when one is set;
 * otherwise decoded (the gateway's word), in strict mode only when it looks signed, and never
 * without a numeric `exp` still ahead.
 */
async function checkedToken(
  token: string,
  verify: IdTokenVerifier | undefined,
  opts: Pick<AuthOptions, "strict">,
  now: number,
): Promise<JWTPayload | undefined> {
  try {
    const claims = verify
      ? await verify(token)
      : opts.strict
        ? trustedClaims(token)
        : decodeJwt(token);
    return unexpired(claims, now) ? claims : undefined;
  } catch {
    return undefined;
  }
}

async function registeredUser(
  headers: Record<string, string | undefined>,
  opts: AuthOptions,
): Promise<RegisteredUser> {
  const idToken = headers[HEADERS.idToken] as string;
  for (const name of [HEADERS.accessToken, HEADERS.idToken, HEADERS.refreshToken] as const) {
    const value = headers[name];
    if (value && !isToken(value))
      throw authenticationError(undefined, { detail: BAD_TOKEN_DETAIL });
  }
  const rawCredentials = headers[HEADERS.gitCredentials];
  if (rawCredentials && !isToken(rawCredentials)) {
    throw authenticationError(GIT_CREDENTIALS_MESSAGE, { detail: BAD_TOKEN_DETAIL });
  }
  const now = opts.now?.() ?? Date.now();
  const claims = await checkedToken(idToken, opts.verifyIdToken, opts, now);
  if (!claims)
    throw authenticationError(undefined, { detail: "The ID token is invalid or expired." });
  const username = claimString(claims, "preferred_username");
  const id = claimString(claims, "sub");
  if (!username || !id) {
    throw authenticationError(undefined, {
      detail: "The ID token lacks the preferred_username or sub claim.",
    });
  }
  if (opts.strict) {
    // The access token goes to the resource-pool service and into the session: it must be a
    // token of the same user, as valid as the ID token.
    const access = await checkedToken(
      headers[HEADERS.accessToken] as string,
      opts.verifyAccessToken,
      opts,
      now,
    );
    if (access?.sub !== id) {
      throw authenticationError(undefined, { detail: "The access token is invalid or expired." });
    }
  }
  const git = parseGitCredentials(rawCredentials, opts);
  return {
    kind: "registered",
    id,
    username,
    safeUsername: escapeName(username),
    email: claimString(claims, "email"),
    fullName: claimString(claims, "name"),
    issuer: claimString(claims, "iss"),
    accessToken: headers[HEADERS.accessToken] as string,
    refreshToken: headers[HEADERS.refreshToken] || undefined,
    ...git,
  };
}

/** Headers must already be lower-cased (the header normaliser runs first). */
export async function authenticate(
  headers: Record<string, string | undefined>,
  opts: AuthOptions,
): Promise<User> {
  if (headers[HEADERS.accessToken] && headers[HEADERS.idToken]) {
    return registeredUser(headers, opts);
  }
  const anonId = headers[HEADERS.anonId];
  // D9: the anonymous id becomes a label value, so it must be a valid one.
  if (opts.anonymousEnabled && anonId && isLabelValue(anonId)) {
    const user: AnonymousUser = {
      kind: "anonymous",
      id: anonId,
      username: anonId,
      safeUsername: escapeName(anonId),
    };
    const cookie = [headers[HEADERS.cookie], ...(opts.cookies ?? [])].filter(Boolean).join("; ");
    const sessionCookie = parseCookie(cookie)[RENKU_SESSION_COOKIE];
    if (sessionCookie) user.sessionCookie = sessionCookie;
    return user;
  }
  throw authenticationError(undefined, { detail: MISSING_HEADERS_DETAIL });
}

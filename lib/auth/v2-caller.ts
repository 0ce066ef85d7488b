/**
 * Who calls the v2 sessions API (v2-sessions.md 1.4, 1.5), as renku-data-services decides it:
 * authentication never fails. A valid Keycloak access token in `Authorization: Bearer` makes a
 * registered caller; a missing, expired, badly signed or claim-less one makes the caller
 * anonymous, identified by `Renku-Auth-Anon-Id` (header, else cookie), else a fresh `anon-<ULID>`.
 * Tokens are verified by JWKS when NB_AUTH__JWKS_URL is set; otherwise only decoded, which the
 * configuration allows on the local stage or with NB_AUTH__TRUST_GATEWAY (as v1).
 */
import { randomBytes } from "node:crypto";
import { parseCookie } from "cookie";
import { decodeJwt, type JWTPayload } from "jose";
import type { IdTokenVerifier } from "./authenticate.js";

export interface V2Registered {
  kind: "registered";
  /** The access token's `sub`: the label `renku.io/safe-username` of the caller's sessions. */
  id: string;
  email: string;
  firstName: string | undefined;
  lastName: string | undefined;
  fullName: string | undefined;
  /** The token's issuer (the Keycloak realm URL): the sessions' oauth2-proxy signs in there. */
  issuer: string | undefined;
  /** Credentials: never logged nor returned. */
  accessToken: string;
  refreshToken: string | undefined;
  /**
   * `Gitlab-Access-Token`, which the gateway sends with an internal GitLab: data-services pulls a
   * private image of that GitLab's registry with it (core_sessions.py get_image_pull_secret).
   */
  gitlabToken?: string | undefined;
}

export interface V2Anonymous {
  kind: "anonymous";
  id: string;
  /** The gateway's `_renku_session` cookie: the authproxy token of an anonymous session. */
  sessionCookie: string | undefined;
}

export type V2Caller = V2Registered | V2Anonymous;

const ANON_HEADER = "renku-auth-anon-id";
const ANON_COOKIE = "Renku-Auth-Anon-Id";
export const SESSION_COOKIE = "_renku_session";
const TOKEN = /^[\x21-\x7E]+$/;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** A ULID: 48-bit time, 80 random bits, Crockford base32. */
export function newUlid(now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = Array.from(randomBytes(16))
    .slice(0, 16)
    .map((b) => CROCKFORD[b % 32])
    .join("");
  return time + random;
}

const claim = (claims: JWTPayload, key: string) => {
  const v = claims[key];
  return typeof v === "string" && v !== "" ? v : undefined;
};

export interface V2AuthOptions {
  /** Verifies signature, audience, issuer and expiry; absent: decode and check expiry only. */
  verify?: IdTokenVerifier | undefined;
  cookies?: string[] | undefined;
  now?: () => number;
}

async function registered(
  headers: Record<string, string | undefined>,
  opts: V2AuthOptions,
): Promise<V2Registered | undefined> {
  const token = /^bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
  if (!token || !TOKEN.test(token)) return undefined;
  let claims: JWTPayload;
  try {
    claims = opts.verify ? await opts.verify(token) : decodeJwt(token);
  } catch {
    return undefined;
  }
  const now = opts.now?.() ?? Date.now();
  if (typeof claims.exp === "number" && claims.exp * 1000 <= now) return undefined;
  const id = claim(claims, "sub");
  const azp = claim(claims, "azp");
  const email = claim(claims, "email") ?? (azp ? `service-account-${azp}@renku.local` : undefined);
  if (!id || !email) return undefined;
  const refresh = headers["renku-auth-refresh-token"];
  const gitlab = headers["gitlab-access-token"];
  return {
    kind: "registered",
    id,
    email,
    firstName: claim(claims, "given_name"),
    lastName: claim(claims, "family_name"),
    fullName: claim(claims, "name"),
    issuer: claim(claims, "iss"),
    accessToken: token,
    refreshToken: refresh && TOKEN.test(refresh) ? refresh : undefined,
    gitlabToken: gitlab && TOKEN.test(gitlab) ? gitlab : undefined,
  };
}

/** Headers must be lower-cased (the header normaliser runs first). Never throws on bad input. */
export async function authenticateV2(
  headers: Record<string, string | undefined>,
  opts: V2AuthOptions = {},
): Promise<V2Caller> {
  const user = await registered(headers, opts);
  if (user) return user;
  const raw = [headers.cookie, ...(opts.cookies ?? [])].filter(Boolean).join("; ");
  let cookies: Record<string, string | undefined> = {};
  try {
    cookies = parseCookie(raw);
  } catch {
    cookies = {};
  }
  const id = headers[ANON_HEADER] || cookies[ANON_COOKIE] || `anon-${newUlid()}`;
  return { kind: "anonymous", id, sessionCookie: cookies[SESSION_COOKIE] || undefined };
}

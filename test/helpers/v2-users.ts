/**
 * What the Renku gateway sends to /api/data for a v2 caller: the Keycloak access token as
 * `Authorization: Bearer` (unsigned here, as the local stage accepts; sub `sub-<username>`, the
 * data-services double's convention), the refresh token, and for anonymous callers the anon id
 * header and the gateway's `_renku_session` cookie.
 */
import { UnsecuredJWT } from "jose";

export interface V2User {
  username: string;
  email?: string | null;
  given_name?: string;
  family_name?: string;
  name?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
}

export function accessToken(user: V2User): string {
  const claims: Record<string, unknown> = {
    sub: `sub-${user.username}`,
    azp: "renku-ui",
    aud: ["renku"],
    name: user.name ?? user.username,
  };
  if (user.email !== null) claims.email = user.email ?? `${user.username}@example.org`;
  if (user.given_name) claims.given_name = user.given_name;
  if (user.family_name) claims.family_name = user.family_name;
  const now = Math.floor(Date.now() / 1000);
  return new UnsecuredJWT(claims)
    .setIssuer("https://renku.example.org/auth/realms/Renku")
    .setIssuedAt(now)
    .setExpirationTime(now + (user.expiresIn ?? 3600))
    .encode();
}

export function v2Headers(user: V2User | string): Record<string, string> {
  const u = typeof user === "string" ? { username: user } : user;
  return {
    authorization: `Bearer ${accessToken(u)}`,
    "renku-auth-refresh-token": `refresh-${u.username}-secret`,
  };
}

/** An anonymous visitor: the gateway's anon id and its session cookie. */
export function v2AnonHeaders(id: string, cookie = `cookie-of-${id}`): Record<string, string> {
  return { "renku-auth-anon-id": id, cookie: `_renku_session=${cookie}` };
}

/** Gateway headers for test users. ID tokens are unsigned unless a key is given. */
import { type CryptoKey, SignJWT, UnsecuredJWT } from "jose";

export interface TestUser {
  username: string;
  sub?: string;
  email?: string;
  name?: string;
  gitToken?: string;
  accessToken?: string;
  gitUrl?: string;
  issuer?: string;
}

export const gitCredentials = (gitUrl: string, token: string, expiresAt: number | null = null) =>
  Buffer.from(
    JSON.stringify({
      [gitUrl]: {
        AuthorizationHeader: `bearer ${token}`,
        AccessTokenExpiresAt: expiresAt,
        provider: "GitLab",
      },
    }),
  ).toString("base64");

/** Real tokens are visible ASCII (authentication refuses others): a username is encoded into one. */
const inToken = (username: string) => encodeURIComponent(username);

export function registeredHeaders(user: TestUser, idToken?: string): Record<string, string> {
  const claims = {
    preferred_username: user.username,
    sub: user.sub ?? `sub-${user.username}`,
    email: user.email ?? `${user.username}@example.org`,
    name: user.name ?? user.username,
  };
  const token =
    idToken ??
    new UnsecuredJWT(claims)
      .setIssuer(user.issuer ?? "https://renku.example.org/auth/realms/Renku")
      .setIssuedAt()
      .setExpirationTime("1h")
      .encode();
  return {
    "renku-auth-access-token": user.accessToken ?? `access-${inToken(user.username)}-secret`,
    "renku-auth-id-token": token,
    "renku-auth-refresh-token": `refresh-${inToken(user.username)}-secret`,
    "renku-auth-git-credentials": gitCredentials(
      user.gitUrl ?? "https://gitlab.example.org",
      user.gitToken ?? `glpat-${inToken(user.username)}-secret`,
    ),
  };
}

/** An anonymous visitor's browser behind the Renku gateway: the anonymous id and the gateway's cookie. */
export const anonHeaders = (id: string) => ({
  "renku-auth-anon-id": id,
  cookie: `_renku_session=gateway-${id}`,
});

/** An anonymous caller without the gateway's cookie (a client other than the browser). */
export const anonHeadersWithoutCookie = (id: string) => ({ "renku-auth-anon-id": id });

export async function signedIdToken(
  key: CryptoKey,
  kid: string,
  claims: Record<string, unknown>,
  opts: { issuer: string; audience?: string | string[]; expiresIn?: string | number },
): Promise<string> {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid })
    .setIssuer(opts.issuer)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? "1h");
  if (opts.audience) jwt = jwt.setAudience(opts.audience);
  return jwt.sign(key);
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/**
 * A JWT shaped as the gateway passes one (RS256, a 256-byte signature) but signed by no key: all
 * that trust-gateway mode can check of a token. `exp` is an hour ahead unless the claims say.
 */
export function gatewayShapedJwt(claims: Record<string, unknown>): string {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const signature = Buffer.alloc(256, 7).toString("base64url");
  return `${b64url({ alg: "RS256", typ: "JWT", kid: "k1" })}.${b64url({ exp, ...claims })}.${signature}`;
}

/** A registered user's headers as strict mode wants them: ID and access token of one `sub`. */
export function strictHeaders(user: TestUser): Record<string, string> {
  const sub = user.sub ?? `sub-${user.username}`;
  const idToken = gatewayShapedJwt({
    preferred_username: user.username,
    sub,
    email: user.email ?? `${user.username}@example.org`,
    name: user.name ?? user.username,
    iss: user.issuer ?? "https://renku.example.org/auth/realms/Renku",
  });
  return {
    ...registeredHeaders(user, idToken),
    "renku-auth-access-token": user.accessToken ?? gatewayShapedJwt({ sub, typ: "Bearer" }),
  };
}

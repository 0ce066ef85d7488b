/** D14: verify the ID token (and, in strict mode, the access token) against the realm's JWKS. */
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { IdTokenVerifier } from "./authenticate.js";

export function jwksVerifiers(opts: {
  jwksUrl: string;
  issuer?: string | undefined;
  audience?: string | undefined;
  timeoutMs: number;
}): { idToken: IdTokenVerifier; accessToken: IdTokenVerifier } {
  // The key set is fetched once and cached per warm container by jose.
  const keys = createRemoteJWKSet(new URL(opts.jwksUrl), { timeoutDuration: opts.timeoutMs });
  const issuer = opts.issuer ? { issuer: opts.issuer } : {};
  const verifier =
    (audience: string | undefined): IdTokenVerifier =>
    async (token) => {
      const { payload } = await jwtVerify(token, keys, {
        ...issuer,
        ...(audience ? { audience } : {}),
        requiredClaims: ["exp"],
      });
      return payload;
    };
  // The access token is issued for the services, not for this client: no audience to check.
  return { idToken: verifier(opts.audience), accessToken: verifier(undefined) };
}

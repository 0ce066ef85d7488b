/** D14: verify the ID token against the realm's JWKS when one is configured. */
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { IdTokenVerifier } from "./authenticate.js";

export function jwksVerifier(opts: {
  jwksUrl: string;
  issuer?: string | undefined;
  audience?: string | string[] | undefined;
  timeoutMs: number;
}): IdTokenVerifier {
  // The key set is fetched once and cached per warm container by jose.
  const keys = createRemoteJWKSet(new URL(opts.jwksUrl), { timeoutDuration: opts.timeoutMs });
  return async (token) => {
    const { payload } = await jwtVerify(token, keys, {
      ...(opts.issuer ? { issuer: opts.issuer } : {}),
      ...(opts.audience ? { audience: opts.audience } : {}),
      requiredClaims: ["exp"],
    });
    return payload;
  };
}

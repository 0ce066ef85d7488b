/** D14: verify the ID token (and, in strict mode, the access token) against the realm's JWKS. */
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { IdTokenVerifier } from "./authenticate.js";

interface JwksOptions {
  jwksUrl: string;
  issuer?: string | undefined;
  audience?: string | string[] | undefined;
  timeoutMs: number;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

const verifierOf =
  (
    keys: KeySet,
    issuer: string | undefined,
    audience: string | string[] | undefined,
  ): IdTokenVerifier =>
  async (token) => {
    const { payload } = await jwtVerify(token, keys, {
      ...(issuer ? { issuer } : {}),
      ...(audience ? { audience } : {}),
      requiredClaims: ["exp"],
    });
    return payload;
  };

// The key set is fetched once and cached per warm container by jose.
const keySet = (opts: JwksOptions): KeySet =>
  createRemoteJWKSet(new URL(opts.jwksUrl), { timeoutDuration: opts.timeoutMs });

/** One verifier: the realm's keys, the issuer and, when given, one of the audiences. */
export function jwksVerifier(opts: JwksOptions): IdTokenVerifier {
  return verifierOf(keySet(opts), opts.issuer, opts.audience);
}

/** v1: the ID token for this client's audience, and the access token with no audience to check. */
export function jwksVerifiers(opts: JwksOptions): {
  idToken: IdTokenVerifier;
  accessToken: IdTokenVerifier;
} {
  const keys = keySet(opts);
  // The access token is issued for the services, not for this client: no audience to check.
  return {
    idToken: verifierOf(keys, opts.issuer, opts.audience),
    accessToken: verifierOf(keys, opts.issuer, undefined),
  };
}

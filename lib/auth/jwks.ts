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

/**
 * The realm's verifiers over one key set: v1's ID token for this client's audience and access
 * token with no audience to check (it is issued for the services, not this client), and v2's
 * access token for renku-data-services' audiences.
 */
export function jwksVerifiers(opts: JwksOptions & { v2Audiences: string[] }): {
  idToken: IdTokenVerifier;
  accessToken: IdTokenVerifier;
  v2AccessToken: IdTokenVerifier;
} {
  const keys = keySet(opts);
  return {
    idToken: verifierOf(keys, opts.issuer, opts.audience),
    accessToken: verifierOf(keys, opts.issuer, undefined),
    v2AccessToken: verifierOf(keys, opts.issuer, opts.v2Audiences),
  };
}

/**
 * What can be checked of a JWT without its keys (NB_AUTH__TRUST_GATEWAY, D14): the gateway is
 * trusted to have verified the signature, but a token that no gateway could have passed is still
 * refused: no asymmetric algorithm, a signature that is not base64url or not of that algorithm's
 * size, an `exp` that is missing, not a number, or past.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from "jose";

/** Signature sizes in bytes: ECDSA by curve, EdDSA by curve, RSA by modulus (2048 to 4096 bits). */
const SIGNATURE_BYTES: Record<string, readonly number[]> = {
  ES256: [64],
  ES384: [96],
  ES512: [132],
  EdDSA: [64, 114],
  Ed25519: [64],
  ...Object.fromEntries(
    ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"].map((alg) => [alg, [256, 384, 512]]),
  ),
};
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The claims of a token whose signature the gateway checked; throws when it cannot have. */
export function trustedClaims(token: string): JWTPayload {
  const parts = token.split(".");
  const signature = parts[2] ?? "";
  if (parts.length !== 3 || !BASE64URL.test(signature)) throw new Error("not a signed JWT");
  const { alg } = decodeProtectedHeader(token);
  const sizes = alg ? SIGNATURE_BYTES[alg] : undefined;
  if (!sizes?.includes(Buffer.from(signature, "base64url").length)) {
    throw new Error("not a signature of an asymmetric algorithm");
  }
  return decodeJwt(token);
}

/** A decoded token's `exp` must be a number of seconds still ahead (a string is no expiry). */
export function unexpired(claims: JWTPayload, nowMs: number): boolean {
  return typeof claims.exp === "number" && Number.isFinite(claims.exp) && claims.exp * 1000 > nowMs;
}

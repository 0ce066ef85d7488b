/**
 * A realm's JWKS endpoint over HTTP, as Keycloak serves it: one RS256 key ("k1") whose private
 * half signs good tokens, and another private key the endpoint does not publish (a forger's).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair } from "jose";

export interface Jwks {
  /** The URL of the key set (`path` below the server). */
  url: string;
  /** Signs tokens the key set verifies (kid "k1"). */
  good: CryptoKey;
  /** Signs tokens no published key verifies. */
  other: CryptoKey;
  /** How many times the key set was fetched. */
  fetches: () => number;
  stop: () => Promise<void>;
}

export async function startJwks(path = "/certs"): Promise<Jwks> {
  const pair = await generateKeyPair("RS256");
  const other = (await generateKeyPair("RS256")).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    good: pair.privateKey,
    other,
    fetches: () => fetches,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

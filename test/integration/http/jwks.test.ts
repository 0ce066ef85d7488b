/** D14: with a JWKS URL configured, ID tokens are verified against the realm's keys over HTTP. */
import type { CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineRoute } from "../../../lib/api/route.js";
import { handler } from "../../../lib/http/handler.js";
import { ok } from "../../../lib/http/reply.js";
import { installTestDeps, useTestDeps } from "../../helpers/deps.js";
import { invoke } from "../../helpers/events.js";
import { type Jwks, startJwks } from "../../helpers/jwks.js";
import { registeredHeaders, signedIdToken } from "../../helpers/users.js";

const ISSUER = "https://renku.example.org/auth/realms/Renku";
const whoami = handler(
  defineRoute({
    id: "whoami",
    method: "GET",
    path: "/whoami",
    auth: "user",
    summary: "test",
    query: z.object({}),
    responses: {},
  }),
  async ({ user }) => ok({ username: user.username }),
);

describe("ID token verification with a JWKS", () => {
  let jwks: Jwks;
  let good: CryptoKey;
  let other: CryptoKey;
  let jwksEnv: Record<string, string> = {};

  beforeAll(async () => {
    jwks = await startJwks("/realms/Renku/protocol/openid-connect/certs");
    ({ good, other } = jwks);
    jwksEnv = {
      NB_AUTH__JWKS_URL: jwks.url,
      NB_AUTH__ISSUER: ISSUER,
      NB_AUTH__AUDIENCE: "renku",
    };
    useTestDeps(jwksEnv);
  });
  afterAll(async () => {
    installTestDeps(undefined);
    await jwks.stop();
  });

  const call = async (idToken: string) =>
    invoke(whoami, {
      path: "/notebooks/whoami",
      headers: registeredHeaders({ username: "carol" }, idToken),
    });
  const claims = { preferred_username: "carol", sub: "c-1", email: "carol@example.org" };

  it("accepts a token signed by the realm's key", async () => {
    const token = await signedIdToken(good, "k1", claims, { issuer: ISSUER, audience: "renku" });
    const r = await call(token);
    expect(r.status).toBe(200);
    expect(r.json.username).toBe("carol");
    expect(jwks.fetches()).toBeGreaterThan(0);
  });

  it("rejects a token signed by another key", async () => {
    const token = await signedIdToken(other, "k1", claims, { issuer: ISSUER, audience: "renku" });
    expect((await call(token)).status).toBe(401);
  });

  it("rejects an expired token", async () => {
    const token = await signedIdToken(good, "k1", claims, {
      issuer: ISSUER,
      audience: "renku",
      expiresIn: Math.floor(Date.now() / 1000) - 120,
    });
    const r = await call(token);
    expect(r.status).toBe(401);
    expect(r.json.error.detail).toBe("The ID token is invalid or expired.");
  });

  it("rejects a token from another issuer", async () => {
    const token = await signedIdToken(good, "k1", claims, {
      issuer: "https://evil.example.org/realms/Renku",
      audience: "renku",
    });
    expect((await call(token)).status).toBe(401);
  });

  it("rejects a token for another audience", async () => {
    const token = await signedIdToken(good, "k1", claims, { issuer: ISSUER, audience: "other" });
    expect((await call(token)).status).toBe(401);
  });

  describe("strict mode (a deployed stage): the access token is verified with the same keys", () => {
    const GITLAB = "https://gitlab.example.org";
    beforeAll(() => useTestDeps({ ...jwksEnv, NB_STAGE: "prod", NB_GIT__URL: GITLAB }));
    afterAll(() => useTestDeps(jwksEnv));

    const strictCall = async (access: string) =>
      invoke(whoami, {
        path: "/notebooks/whoami",
        headers: registeredHeaders(
          { username: "carol", accessToken: access, gitUrl: GITLAB },
          await signedIdToken(good, "k1", claims, { issuer: ISSUER, audience: "renku" }),
        ),
      });
    // Keycloak's access tokens are issued for the services: no audience of this client.
    const accessToken = (key: CryptoKey, sub: string) =>
      signedIdToken(key, "k1", { sub, typ: "Bearer" }, { issuer: ISSUER });

    it("takes the caller's access token signed by the realm's key", async () => {
      const r = await strictCall(await accessToken(good, "c-1"));
      expect(r.status).toBe(200);
    });

    it.each([
      ["signed by another key", () => accessToken(other, "c-1")],
      ["of another user", () => accessToken(good, "c-2")],
      ["not a JWT", async () => "access-carol-secret"],
    ])("refuses one %s: 401", async (_label, make) => {
      const r = await strictCall(await make());
      expect(r.status).toBe(401);
      expect(r.json.error.detail).toBe("The access token is invalid or expired.");
    });
  });

  it("rejects an unsigned token once verification is on", async () => {
    const r = await invoke(whoami, {
      path: "/notebooks/whoami",
      headers: registeredHeaders({ username: "carol" }),
    });
    expect(r.status).toBe(401);
  });
});

/**
 * v2 identity (v2-sessions.md 1.4-1.5) through the middy stack: with a JWKS URL the Keycloak
 * access token is verified (signature, issuer, one of data-services' audiences, expiry) over HTTP;
 * whatever is wrong with it, the caller is anonymous, never refused. Without JWKS (local stage)
 * the token is decoded, and an expired one still makes the caller anonymous.
 */
import type { CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineRoute } from "../../../lib/api/route.js";
import { handler } from "../../../lib/http/handler.js";
import { ok } from "../../../lib/http/reply.js";
import { installTestDeps, useTestDeps } from "../../helpers/deps.js";
import { invoke } from "../../helpers/events.js";
import { type Jwks, startJwks } from "../../helpers/jwks.js";
import { signedIdToken } from "../../helpers/users.js";
import { accessToken } from "../../helpers/v2-users.js";

const ISSUER = "https://renku.example.org/auth/realms/Renku";
const whoami = handler(
  defineRoute({
    id: "v2whoami",
    method: "GET",
    path: "/whoami",
    root: true,
    auth: "v2",
    errors: "v2",
    summary: "test",
    query: z.object({}),
    responses: {},
  }),
  async ({ user }) =>
    ok(
      user.kind === "registered"
        ? { kind: user.kind, id: user.id, email: user.email }
        : { kind: user.kind, id: user.id, cookie: user.sessionCookie !== undefined },
    ),
);

const call = (headers: Record<string, string>) => invoke(whoami, { path: "/whoami", headers });

/** A token signed with `key` (kid "k1") by the realm's issuer. */
const signed = (
  key: CryptoKey,
  claims: Record<string, unknown>,
  opts: { audience?: string | string[]; expiresIn?: string | number } = {},
) => signedIdToken(key, "k1", claims, { issuer: ISSUER, ...opts });

describe("v2 identity with a JWKS", () => {
  let jwks: Jwks;
  let good: CryptoKey;
  let other: CryptoKey;

  beforeAll(async () => {
    jwks = await startJwks();
    ({ good, other } = jwks);
    useTestDeps({
      NB_AUTH__JWKS_URL: jwks.url,
      NB_AUTH__ISSUER: ISSUER,
      NB_AUTH__AUDIENCE: "renku-jupyterserver",
    });
  });
  afterAll(async () => {
    installTestDeps(undefined);
    await jwks.stop();
  });

  it("makes a registered caller of a signed token for a data-services audience", async () => {
    const token = await signed(
      good,
      { sub: "u-1", email: "eve@example.org" },
      { audience: "renku-ui" },
    );
    const r = await call({ authorization: `Bearer ${token}` });
    expect(r.json).toEqual({ kind: "registered", id: "u-1", email: "eve@example.org" });
  });

  it("names a service account by azp when the token has no e-mail", async () => {
    const token = await signed(good, { sub: "u-2", azp: "renku-cli" }, { audience: ["renku"] });
    const r = await call({ authorization: `bearer ${token}` });
    expect(r.json.email).toBe("service-account-renku-cli@renku.local");
  });

  it.each([
    ["another key", async () => signed(other, { sub: "u-1", email: "e@x" }, { audience: "renku" })],
    [
      "another audience",
      async () => signed(good, { sub: "u-1", email: "e@x" }, { audience: "gitlab" }),
    ],
    ["no audience", async () => signed(good, { sub: "u-1", email: "e@x" })],
    [
      "an expired token",
      async () => signed(good, { sub: "u-1", email: "e@x" }, { audience: "renku", expiresIn: -10 }),
    ],
    ["an unsigned token", async () => accessToken({ username: "alice" })],
    ["no e-mail and no azp", async () => signed(good, { sub: "u-1" }, { audience: "renku" })],
  ])("makes the caller anonymous with %s (200, never 401)", async (_why, make) => {
    const r = await call({
      authorization: `Bearer ${await make()}`,
      "renku-auth-anon-id": "anon-x",
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ kind: "anonymous", id: "anon-x", cookie: false });
  });
});

describe("v2 identity on the local stage (no JWKS)", () => {
  beforeAll(() => useTestDeps({}));
  afterAll(() => installTestDeps(undefined));

  it("decodes an unsigned token", async () => {
    const r = await call({ authorization: `Bearer ${accessToken({ username: "alice" })}` });
    expect(r.json).toEqual({ kind: "registered", id: "sub-alice", email: "alice@example.org" });
  });

  it("still treats an expired token as anonymous", async () => {
    const r = await call({
      authorization: `Bearer ${accessToken({ username: "alice", expiresIn: -60 })}`,
      "renku-auth-anon-id": "anon-y",
    });
    expect(r.json).toEqual({ kind: "anonymous", id: "anon-y", cookie: false });
  });

  it("takes the anon id from the header, else its cookie, else a fresh anon-<ULID>", async () => {
    const cookie = await call({ cookie: "Renku-Auth-Anon-Id=anon-from-cookie; _renku_session=c" });
    expect(cookie.json).toEqual({ kind: "anonymous", id: "anon-from-cookie", cookie: true });
    const fresh = await call({});
    expect(fresh.json.id).toMatch(/^anon-[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

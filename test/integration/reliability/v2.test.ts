/**
 * The v2 routes under the reliability checks v1 has (isolation.test.ts, quotas.test.ts,
 * fuzz.test.ts), against the local cluster, the data-services double and the registry:
 * - isolation: another user's (or an anonymous visitor's) GET, PATCH and logs are 404 and DELETE
 *   is 204, with nothing changed; lists never show it; the same launch by someone else is theirs;
 * - quotas: the pool quota (data-services' usage) refuses a launch and a resume with its 422; 20
 *   concurrent identical launches make exactly one session;
 * - fuzz: never a 5xx, always the documented shapes, no token of the request in an answer.
 * Replay a fuzz failure with FUZZ_SEED=<seed printed below>.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorBody } from "../../../lib/api/requests.js";
import type { Response } from "../../helpers/events.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { accessToken, v2AnonHeaders, v2Headers } from "../../helpers/v2-users.js";
import { LAUNCHERS, v2Api } from "../v2/api.js";

const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : Date.now() ^ (Math.random() * 0x7fffffff);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

let stack: SessionStack;
const alice = v2Api(v2Headers("alice"));
const others = {
  bob: v2Api(v2Headers("bob")),
  carol: v2Api(v2Headers("carol")),
  anonymous: v2Api(v2AnonHeaders("anon-guest")),
  // alice's name in another token: the id (sub) decides, not the e-mail.
  impostor: v2Api({
    authorization: `Bearer ${accessToken({ username: "mallory", email: "alice@example.org" })}`,
  }),
};
let aliceSession = "";

beforeAll(async () => {
  stack = await startSessionStack({
    timing: "instant",
    env: { NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET: "local-git-proxy-secret" },
  });
  const r = await alice.create({ launcher_id: LAUNCHERS.hello });
  expect(r.status).toBe(201);
  aliceSession = r.json.name;
  await stack.cluster.amalthea.settle();
  console.log(`v2 fuzz seed: ${SEED} (replay with FUZZ_SEED=${SEED}), ${RUNS} runs per route`);
});
afterAll(() => stack?.stop());

const snapshot = async () =>
  JSON.stringify((await stack.deps.amaltheaSessions.get(aliceSession))?.spec);

describe("v2 isolation", () => {
  for (const [who, api] of Object.entries(others)) {
    it(`${who}: GET, PATCH and logs 404, DELETE 204, list empty, nothing changed`, async () => {
      const before = await snapshot();
      expect((await api.get(aliceSession)).status).toBe(404);
      expect((await api.patch(aliceSession, { state: "hibernated" })).status).toBe(404);
      expect((await api.patch(aliceSession, { lastInteraction: "now" })).status).toBe(404);
      expect((await api.logs(aliceSession)).status).toBe(404);
      expect((await api.delete(aliceSession)).status).toBe(204);
      const listed = (await api.list()).json.map((s: { name: string }) => s.name);
      expect(listed).not.toContain(aliceSession);
      expect(await snapshot()).toBe(before);
      expect((await alice.get(aliceSession)).json.status.state).toBe("running");
    });
  }

  it("the same launch by bob makes bob's own session, never alice's", async () => {
    const r = await others.bob.create({ launcher_id: LAUNCHERS.hello });
    expect(r.status).toBe(201);
    expect(r.json.name).not.toBe(aliceSession);
    const cr = await stack.deps.amaltheaSessions.get(r.json.name);
    expect(cr?.metadata.labels?.["renku.io/safe-username"]).toBe("sub-bob");
    expect((await others.bob.delete(r.json.name)).status).toBe(204);
  });
});

describe("v2 quotas", () => {
  it("refuses bob's launch on the exhausted metered pool, asking data-services with bob's token", async () => {
    const before = stack.dataServices.calls.length;
    const r = await others.bob.create({ launcher_id: LAUNCHERS.metered });
    expect(r.status).toBe(422);
    expect(r.json.error.message).toBe(
      "Cannot start the session because your quota in the selected resource pool is exhausted.",
    );
    const usage = stack.dataServices.calls.slice(before).find((c) => c.path.endsWith("/usage"));
    expect(usage).toMatchObject({ path: "/api/data/resource_pools/2/usage", user: "bob" });
    expect(await stack.deps.amaltheaSessions.list("renku.io/safe-username=sub-bob")).toEqual([]);
  });

  it("refuses a resume once the quota is exhausted", async () => {
    const r = await alice.create({ launcher_id: LAUNCHERS.metered });
    expect(r.status).toBe(201);
    const name = r.json.name as string;
    await stack.cluster.amalthea.settle();
    expect((await alice.patch(name, { state: "hibernated" })).status).toBe(200);
    await stack.cluster.amalthea.settle();
    const pool = stack.dataServices.data.resource_pools.find((p) => p.id === 2);
    const costs = pool?.usage?.costs as Record<string, number>;
    costs.alice = 500;
    try {
      const resumed = await alice.patch(name, { state: "running" });
      expect(resumed.status).toBe(422);
      expect(resumed.json.error.code).toBe(1422);
      const cr = await stack.deps.amaltheaSessions.get(name);
      expect(cr?.spec.hibernated).toBe(true);
    } finally {
      costs.alice = 10;
    }
    expect((await alice.delete(name)).status).toBe(204);
  });

  it("makes exactly one session of 20 concurrent identical launches", async () => {
    const carol = others.carol;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => carol.create({ launcher_id: LAUNCHERS.scratch })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
    expect(new Set(answers.map((a) => a.json.name)).size).toBe(1);
    expect(await stack.deps.amaltheaSessions.list("renku.io/safe-username=sub-carol")).toHaveLength(
      1,
    );
  });
});

describe("v2 fuzz", () => {
  const nasty = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.constantFrom(
      "",
      "..",
      "%2e%2e",
      "a/b",
      "\u0000",
      "\r\n",
      "💥",
      "__proto__",
      "x".repeat(10_000),
    ),
  );
  const secret = fc
    .string({ minLength: 4, maxLength: 8 })
    .map((s) => `S3CR3T${Buffer.from(s).toString("hex")}Z`);
  const headersArb = fc.oneof(
    fc.constant<{ headers: Record<string, string>; secret?: string }>({ headers: {} }),
    fc.constant({ headers: v2Headers("alice") }),
    secret.map((s) => ({ headers: { authorization: `Bearer ${s}` }, secret: s })),
    secret.map((s) => ({
      headers: {
        authorization: `Bearer ${accessToken({ username: "dave" })}`,
        "renku-auth-refresh-token": s,
      },
      secret: s,
    })),
    fc.tuple(nasty, secret).map(([id, s]) => ({
      headers: { "renku-auth-anon-id": id, cookie: `_renku_session=${s}` },
      secret: s,
    })),
  );
  const bodyArb = fc.oneof(
    fc.jsonValue(),
    fc.record(
      {
        launcher_id: fc.oneof(nasty, fc.constantFrom(...Object.values(LAUNCHERS))),
        disk_storage: fc.oneof(fc.integer(), fc.double(), nasty),
        resource_class_id: fc.oneof(fc.integer({ min: -2, max: 6 }), nasty, fc.constant(null)),
        env_variable_overrides: fc.array(fc.record({ name: nasty, value: nasty }), {
          maxLength: 3,
        }),
        state: fc.oneof(fc.constantFrom("running", "hibernated"), nasty),
        lastInteraction: fc.oneof(
          fc.constantFrom("now", "2020-01-01T00:00:00Z", "2999-01-01T00:00:00+01:00"),
          nasty,
        ),
        data_connectors_overrides: fc.array(fc.jsonValue(), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  );
  const idArb = fc.oneof(
    nasty,
    fc.constant("alice-0a9a279628d6"),
    fc.constant("nobody-0123456789ab"),
  );

  const check = (r: Response, secretValue?: string) => {
    expect(r.status, r.text).toBeLessThan(500);
    if (r.status >= 400) expect(errorBody.safeParse(r.json).success, r.text).toBe(true);
    expect(r.text.length).toBeLessThan(64 * 1024);
    if (secretValue) expect(r.text).not.toContain(secretValue);
  };

  it("POST, PATCH, GET, DELETE, logs, list and images never answer 5xx nor echo a token", async () => {
    await fc.assert(
      fc.asyncProperty(
        headersArb,
        fc.constantFrom("create", "patch", "get", "delete", "logs", "list", "images"),
        bodyArb,
        idArb,
        nasty,
        async (auth: { headers: Record<string, string>; secret?: string }, op, body, id, query) => {
          const { headers, secret: s } = auth;
          const api = v2Api(headers);
          let r: Response;
          if (op === "create") r = await api.create(body);
          else if (op === "patch") r = await api.patch(id, body);
          else if (op === "get") r = await api.get(id);
          else if (op === "delete") r = await api.delete(id);
          else if (op === "logs") r = await api.logs(id, { max_lines: query });
          else if (op === "list") r = await api.list({ session_type: query });
          else r = await api.images(query);
          check(r, s);
        },
      ),
      { seed: SEED, numRuns: RUNS * 7 },
    );
  }, 600_000);
});

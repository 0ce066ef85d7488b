/**
 * Issue 25 through the real middy stack against the local cluster, once for each backend: the
 * quota places hold under a burst, every way into a running session takes one (launch, resume),
 * failed sessions keep theirs, one address cannot take the anonymous total, a `sub` is one
 * identity whatever its username, a launch frozen past its place's lifetime cannot stay over the
 * limit, the concurrent spawn limit answers 429 with Retry-After, and a refused check writes
 * nothing to the cluster.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Deps } from "../../../lib/adapters/deps.js";
import { launchBody } from "../../../lib/api/requests.js";
import type { SessionBackend } from "../../../lib/backends/port.js";
import { createLogger } from "../../../lib/obs/log.js";
import { quotaScopes, scopeIds } from "../../../lib/quotas/reserve.js";
import { launchSession } from "../../../lib/use-cases/index.js";
import { backendStack } from "../../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { installTestDeps } from "../../helpers/deps.js";
import type { SessionStack, StackOptions } from "../../helpers/stack.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { type CrcDouble, startCrcDouble } from "../../local/crc/index.js";
import { pushSeedImages } from "../../local/registry/seed-images.js";
import { HELLO, userOf } from "../sessions/launch.js";
import { call, endpoint } from "./endpoints.js";

const PROJECT = "renku-demo/hello-world";
const LIMITS = {
  perRegisteredUser: 2,
  perAnonymousId: 2,
  anonymousTotal: 50,
  perClient: 3,
};
const WRITES = new Set(["create", "update", "patch", "delete", "deletecollection"]);

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  let stack: SessionStack;
  const options = (
    timing: "instant" | { stepMs: number },
    extra: Record<string, string> = {},
  ): StackOptions => ({
    timing,
    env: {
      ...extra,
      NB_QUOTAS__SESSIONS_PER_USER: String(LIMITS.perRegisteredUser),
      NB_QUOTAS__SESSIONS_PER_ANONYMOUS_ID: String(LIMITS.perAnonymousId),
      NB_QUOTAS__ANONYMOUS_SESSIONS_TOTAL: String(LIMITS.anonymousTotal),
      NB_QUOTAS__ANONYMOUS_SESSIONS_PER_CLIENT: String(LIMITS.perClient),
    },
  });

  const body = (branch = "master", image?: string) => ({
    namespace: "renku-demo",
    project: "hello-world",
    branch,
    commit_sha: HELLO.master,
    ...(image ? { image } : {}),
  });
  const post = (headers: Record<string, string>, branch?: string, sourceIp?: string) =>
    call(endpoint("serversCreate"), {
      headers,
      body: body(branch),
      ...(sourceIp ? { sourceIp } : {}),
    });
  const patch = (headers: Record<string, string>, name: string, state: string) =>
    call(endpoint("serversPatch"), { headers, params: { server_name: name }, body: { state } });
  const stop = (headers: Record<string, string>, name: string) =>
    call(endpoint("serversDelete"), { headers, params: { server_name: name } });
  const states = async (headers: Record<string, string>) => {
    const r = await call(endpoint("serversList"), { headers });
    const servers = r.json.servers as Record<string, { status: { state: string } }>;
    return Object.values(servers)
      .map((s) => s.status.state)
      .sort();
  };
  const statuses = (responses: { status: number }[]) => {
    const out: Record<number, number> = {};
    for (const r of responses) out[r.status] = (out[r.status] ?? 0) + 1;
    return out;
  };
  const placesOf = (who: Parameters<typeof quotaScopes>[1]) =>
    stack.deps.quotas.list(scopeIds(quotaScopes(LIMITS, who)));
  /** The cluster's write requests while `fn` runs. */
  const writesDuring = async (fn: () => Promise<unknown>) => {
    const start = stack.cluster.requests.length;
    await fn();
    return stack.cluster.requests
      .slice(start)
      .filter((r) => WRITES.has(r.verb))
      .map((r) => `${r.verb} ${r.resource}`);
  };

  describe("anonymous bursts (the simulator steps every 100 ms, as `npm start` runs it)", () => {
    backendStack(kit, options({ stepMs: 100 }), (started) => {
      stack = started;
    });

    it("100 anonymous ids at once against a total of 50: exactly 50 × 201 and 50 × 429, 50 sessions", async () => {
      const ids = Array.from({ length: 100 }, (_, i) => `anon-burst-${i}`);
      // Each from its own address: the per-address share is the next test's subject.
      const res = await Promise.all(
        ids.map((id, i) =>
          post(anonHeaders(id), "master", `10.1.${Math.floor(i / 250)}.${i % 250}`),
        ),
      );
      expect(statuses(res)).toEqual({ 201: 50, 429: 50 });
      for (const r of res.filter((x) => x.status === 429))
        expect(r.json.error).toEqual({
          code: 1429,
          message:
            "There are 50 running, starting or failed anonymous sessions; the limit is 50 in all.",
          detail: "Stop or hibernate a session, or try again when one has stopped.",
        });
      expect(await stack.deps.sessions.listAnonymous()).toHaveLength(50);
      const total = (await placesOf({ kind: "anonymous", ownerId: "x" })).filter(
        (p) => p.scope === "anonymous",
      );
      expect(total).toHaveLength(50);
      expect(total.every((p) => p.owner !== undefined)).toBe(true);
      // Stopping them frees every place: the garbage collector follows the ownerReferences.
      const made = res.flatMap((r, i) =>
        r.status === 201 ? [[ids[i] as string, r.json.name]] : [],
      );
      const stopped = await Promise.all(made.map(([id, name]) => stop(anonHeaders(id), name)));
      expect(statuses(stopped)).toEqual({ 204: 50 });
      // The collector works as the simulator steps (a foreground deletion takes a few steps).
      await vi.waitFor(
        async () => expect(await placesOf({ kind: "anonymous", ownerId: "x" })).toEqual([]),
        { timeout: 60_000, interval: 200 },
      );
    }, 300_000);

    it("one address cannot take more than its share of the anonymous total", async () => {
      const ids = Array.from({ length: 5 }, (_, i) => `anon-share-${i}`);
      const res = await Promise.all(ids.map((id) => post(anonHeaders(id), "master", "192.0.2.7")));
      expect(statuses(res)).toEqual({ 201: 3, 429: 2 });
      expect(res.find((r) => r.status === 429)?.json.error).toMatchObject({
        code: 1429,
        message: "Your address holds 3 anonymous sessions; the limit per address is 3.",
      });
      // Another address still gets in.
      expect((await post(anonHeaders("anon-share-other"), "master", "192.0.2.8")).status).toBe(201);
    });
  });

  describe("every way into a running session takes a place", () => {
    let crc: CrcDouble;
    beforeAll(async () => {
      crc = await startCrcDouble();
    });
    afterAll(async () => {
      await crc?.stop();
    });
    backendStack(
      kit,
      () => options("instant", { NB_CRC_URL: crc.url, NB_QUOTAS__CPU_PER_USER: "1.2" }),
      async (started) => {
        stack = started;
        for (let i = 0; i < 20; i++) stack.gitlab.state.setBranch(PROJECT, `b${i}`, HELLO.master);
        await pushSeedImages(`http://${stack.registryHost}`, ["faults/crashloop:1"]);
      },
    );

    it("a sub under two usernames is one identity", async () => {
      // Both usernames are GitLab users of the double; the sub is what the quota keys on.
      const sam = registeredHeaders({ username: "alice", sub: "sub-shared" });
      const samuel = registeredHeaders({ username: "bob", sub: "sub-shared" });
      expect((await post(sam, "b0")).status).toBe(201);
      expect((await post(sam, "b1")).status).toBe(201);
      const third = await post(samuel, "b2");
      expect(third.status).toBe(429);
      expect(third.json.error).toMatchObject({
        code: 1429,
        message: "You have 2 running, starting or failed sessions; the limit per user is 2.",
      });
    });

    it("resume takes a place: the hibernate–launch–resume cycle cannot pass the limit", async () => {
      const rita = registeredHeaders({ username: "carol", sub: "sub-rita" });
      const first = [await post(rita, "b3"), await post(rita, "b4")].map((r) => r.json.name);
      for (const name of first) expect((await patch(rita, name, "hibernated")).status).toBe(200);
      const second = [await post(rita, "b5"), await post(rita, "b6")];
      expect(second.map((r) => r.status)).toEqual([201, 201]);
      const resumed = await patch(rita, first[0], "running");
      expect(resumed.status).toBe(429);
      expect(resumed.json.error.code).toBe(1429);
      // The refused resume left the session hibernated and took nothing.
      expect(await states(rita)).toEqual(["hibernated", "hibernated", "running", "running"]);
      expect(await placesOf({ kind: "registered", ownerId: "sub-rita" })).toHaveLength(2);
      // Hibernating one makes room for the resume, and for nothing more.
      expect((await patch(rita, second[0]?.json.name, "hibernated")).status).toBe(200);
      expect((await patch(rita, first[0], "running")).status).toBe(200);
      expect((await patch(rita, first[1], "running")).status).toBe(429);
      expect(await states(rita)).toEqual(["hibernated", "hibernated", "running", "running"]);
    });

    it("failed sessions hold their place", async () => {
      const fay = registeredHeaders({ username: "dave", sub: "sub-fay" });
      const crashing = `${stack.registryHost}/faults/crashloop:1`;
      for (const branch of ["b7", "b8"]) {
        const r = await call(endpoint("serversCreate"), {
          headers: fay,
          body: body(branch, crashing),
        });
        expect(r.status, r.text).toBe(201);
      }
      expect(await states(fay)).toEqual(["failed", "failed"]);
      const third = await post(fay, "b9");
      expect(third.status).toBe(429);
      expect(third.json.error.message).toBe(
        "You have 2 running, starting or failed sessions; the limit per user is 2.",
      );
    });

    it("a launch frozen past its place's lifetime cannot end over the limit", async () => {
      const headers = registeredHeaders({ username: "dave", sub: "sub-frida" });
      const user = await userOf(stack.deps, headers);
      let offsetMs = 0;
      const now = () => new Date(Date.now() + offsetMs);
      const real = stack.deps.sessions;
      let reached!: () => void;
      const atCreate = new Promise<void>((resolve) => {
        reached = resolve;
      });
      let thaw!: () => void;
      const thawed = new Promise<void>((resolve) => {
        thaw = resolve;
      });
      // The Lambda "freezes" between taking its place and creating its session.
      const frozenBackend: SessionBackend = {
        ...real,
        create: async (input, log) => {
          reached();
          await thawed;
          return real.create(input, log);
        },
      };
      const frozenDeps: Deps = { ...stack.deps, now, sessions: frozenBackend };
      const frozen = launchSession(
        frozenDeps,
        user,
        launchBody.parse(body("b10")),
        createLogger("silent"),
      );
      const outcome = frozen.then(
        () => "created",
        (err: { status?: number; code?: number }) => `${err.status} ${err.code}`,
      );
      // (A launch that fails before its create would answer instead of reaching it.)
      expect(await Promise.race([atCreate.then(() => "frozen"), outcome])).toBe("frozen");
      // Past the lifetime, two launches of the same user fill both places; one is the frozen
      // launch's, freed as left by a dead launch (its session does not exist).
      offsetMs = 61_000;
      installTestDeps({ ...stack.deps, now });
      try {
        expect((await post(headers, "b11")).status).toBe(201);
        expect((await post(headers, "b12")).status).toBe(201);
      } finally {
        installTestDeps(stack.deps);
      }
      thaw();
      expect(await outcome).toBe("429 1429");
      expect(await states(headers)).toEqual(["running", "running"]);
      const places = await placesOf({ kind: "registered", ownerId: user.id });
      const hers = (await real.listForUser(user.safeUsername)).filter(
        (s) => real.owner(s).userId === user.id,
      );
      expect(hers).toHaveLength(2);
      expect(places.map((p) => p.owner?.name).sort()).toEqual(hers.map((s) => s.name).sort());
    });

    it("a class change is checked at the resume: it cannot pass the CPU limit", async () => {
      // cpu_per_user 1.2 (this stack); the resource-pool double's classes: 1 (0.5 CPU), 2 (1).
      const cleo = registeredHeaders({ username: "carol", sub: "sub-cleo" });
      const a = await post(cleo, "b13");
      const b = await post(cleo, "b14");
      expect([a.status, b.status]).toEqual([201, 201]);
      expect((await patch(cleo, b.json.name, "hibernated")).status).toBe(200);
      const changed = await call(endpoint("serversPatch"), {
        headers: cleo,
        params: { server_name: b.json.name },
        body: { resource_class_id: 2 },
      });
      expect(changed.status, changed.text).toBe(200);
      const resumed = await patch(cleo, b.json.name, "running");
      expect(resumed.status).toBe(429);
      expect(resumed.json.error).toMatchObject({
        code: 1429,
        message: "Your sessions request 0.5 CPUs; the limit per user is 1.2.",
      });
      expect(await states(cleo)).toEqual(["hibernated", "running"]);
    });

    it("gives up after bounded rounds when every place is lost to another writer: 503 3503, nothing held", async () => {
      const gus = registeredHeaders({ username: "bob", sub: "sub-gus" });
      stack.cluster.faults.inject({
        method: "POST",
        pathPattern: /\/configmaps$/,
        kind: "409",
        times: 100,
      });
      let res: Awaited<ReturnType<typeof post>> | undefined;
      const start = stack.cluster.requests.length;
      // A scope wider than the rounds: with 2 places, two lost creates would make it full (429).
      const config = structuredClone(stack.deps.config);
      config.quotas.sessions_per_user = 20;
      installTestDeps({ ...stack.deps, config });
      try {
        res = await post(gus, "b15");
      } finally {
        stack.cluster.faults.clear();
        installTestDeps(stack.deps);
      }
      expect(res?.status).toBe(503);
      expect(res?.json.error).toMatchObject({
        code: 3503,
        message: "Too many sessions are being started at once, please try again.",
      });
      expect(res?.headers["Retry-After"]).toBe("5");
      const tries = stack.cluster.requests
        .slice(start)
        .filter((r) => r.resource === "configmaps" && r.verb === "create");
      expect(tries).toHaveLength(10);
      expect(await placesOf({ kind: "registered", ownerId: "sub-gus" })).toEqual([]);
      expect(await states(gus)).toEqual([]);
    });

    it("the concurrent spawn limit answers 429 with Retry-After while launches are in progress", async () => {
      const headers = registeredHeaders({ username: "alice", sub: "sub-spawn" });
      const real = stack.deps.sessions;
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let arrived = 0;
      let bothArrived!: () => void;
      const two = new Promise<void>((resolve) => {
        bothArrived = resolve;
      });
      const config = structuredClone(stack.deps.config);
      config.quotas.concurrent_spawn_limit = 2;
      config.quotas.sessions_per_user = 5;
      installTestDeps({
        ...stack.deps,
        config,
        sessions: {
          ...real,
          create: async (input, log) => {
            if (++arrived === 2) bothArrived();
            await held;
            return real.create(input, log);
          },
        },
      });
      try {
        const first = [post(headers, "b16"), post(headers, "b17")];
        await two;
        const third = await post(headers, "b18");
        expect(third.status).toBe(429);
        expect(third.headers["Retry-After"]).toBe("5");
        expect(third.json.error).toEqual({
          code: 1429,
          message:
            "2 sessions are being started at once; the limit is 2. Please try again shortly.",
          detail: "Try again in 5 seconds.",
        });
        release();
        expect((await Promise.all(first)).map((r) => r.status)).toEqual([201, 201]);
        expect(await stack.deps.quotas.list(["spawn"])).toEqual([]);
      } finally {
        release();
        installTestDeps(stack.deps);
      }
    });

    it("a launch refused by a check makes no cluster write", async () => {
      const missing = `${stack.registryHost}/renku-demo/hello-world:no-such-tag`;
      let res: { status: number } | undefined;
      const writes = await writesDuring(async () => {
        res = await call(endpoint("serversCreate"), {
          headers: registeredHeaders({ username: "carol", sub: "sub-nora" }),
          body: body("master", missing),
        });
      });
      expect(res?.status).toBe(404);
      expect(writes).toEqual([]);
      // The same for an anonymous caller (three scopes) and for a project that does not exist.
      const anonWrites = await writesDuring(async () => {
        res = await call(endpoint("serversCreate"), {
          headers: anonHeaders("anon-refused"),
          body: { ...body("master"), project: "no-such-project" },
        });
      });
      expect(res?.status).toBe(404);
      expect(anonWrites).toEqual([]);
    });
  });
});

/**
 * Issue 14, items 2 to 4, through the real middy stack against the local cluster: quotas that hold
 * under concurrent POSTs, names that cannot be squatted, and identities of different kinds that
 * never match each other. Once for each backend.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { quotaScopes, scopeIds } from "../../../lib/quotas/reserve.js";
import { sessionNames } from "../../../lib/sessions/index.js";
import { backendStack } from "../../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { HELLO, launch, userOf } from "../sessions/launch.js";
import { call, endpoint } from "./endpoints.js";

const PROJECT = "renku-demo/hello-world";
const PER_USER = 3;
const ANON_TOTAL = 10;
const LIMITS = {
  perRegisteredUser: PER_USER,
  perAnonymousId: 1,
  anonymousTotal: ANON_TOTAL,
  perClient: 0,
};

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  const stack = backendStack(kit, {
    env: {
      NB_QUOTAS__SESSIONS_PER_USER: String(PER_USER),
      NB_QUOTAS__SESSIONS_PER_ANONYMOUS_ID: "1",
      NB_QUOTAS__ANONYMOUS_SESSIONS_TOTAL: String(ANON_TOTAL),
      // Every test request comes from 127.0.0.1: the per-address share has its own suite.
      NB_QUOTAS__ANONYMOUS_SESSIONS_PER_CLIENT: "0",
    },
  });
  beforeAll(() => {
    // Branches at master's commit: each is another project/branch/commit combination.
    for (let i = 0; i < 50; i++) stack.gitlab.state.setBranch(PROJECT, `b${i}`, HELLO.master);
  });

  const body = (branch = "master") => ({
    namespace: "renku-demo",
    project: "hello-world",
    branch,
    commit_sha: HELLO.master,
  });
  const post = (headers: Record<string, string>, branch?: string) =>
    call(endpoint("serversCreate"), { headers, body: body(branch) });
  const get = (headers: Record<string, string>, name: string) =>
    call(endpoint("serversGet"), { headers, params: { server_name: name } });
  const list = async (headers: Record<string, string>) =>
    Object.keys((await call(endpoint("serversList"), { headers })).json.servers);
  const stop = (headers: Record<string, string>, name: string) =>
    call(endpoint("serversDelete"), { headers, params: { server_name: name } });
  const logs = (headers: Record<string, string>, name: string) =>
    call(endpoint("logs"), { headers, params: { server_name: name } });

  const statuses = (responses: { status: number }[]) => {
    const out: Record<number, number> = {};
    for (const r of responses) out[r.status] = (out[r.status] ?? 0) + 1;
    return out;
  };
  const anonymousSessions = async () => (await stack.deps.sessions.listAnonymous()).length;

  describe("quotas (issue 14 item 2)", () => {
    it("40 concurrent anonymous ids make exactly the anonymous total (was 40)", async () => {
      const ids = Array.from({ length: 40 }, (_, i) => `anon-quota-${i}`);
      const res = await Promise.all(ids.map((id) => post(anonHeaders(id))));
      expect(statuses(res)).toEqual({ 201: ANON_TOTAL, 429: 40 - ANON_TOTAL });
      const refused = res.find((r) => r.status === 429);
      expect(refused?.json.error).toMatchObject({
        code: 1429,
        message: `There are ${ANON_TOTAL} running, starting or failed anonymous sessions; the limit is ${ANON_TOTAL} in all.`,
      });
      expect(await anonymousSessions()).toBe(ANON_TOTAL);
      // Stopping them makes room again.
      const made = res.filter((r) => r.status === 201);
      const owners = ids.filter((_, i) => res[i]?.status === 201);
      await Promise.all(made.map((r, i) => stop(anonHeaders(owners[i] ?? ""), r.json.name)));
      expect((await post(anonHeaders("anon-quota-late"))).status).toBe(201);
    });

    it("one anonymous id gets one session", async () => {
      const id = anonHeaders("anon-quota-late");
      const second = await post(id, "b1");
      expect(second.status).toBe(429);
      expect(second.json.error.message).toBe(
        "You have 1 running, starting or failed sessions; the limit for anonymous users is 1.",
      );
    });

    it("8 project combinations of one registered user stop at the per-user limit (was 8)", async () => {
      const bob = registeredHeaders({ username: "bob" });
      const res = [];
      for (let i = 0; i < 8; i++) res.push(await post(bob, `b${i}`));
      expect(res.map((r) => r.status)).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
      expect(res[3]?.json.error).toMatchObject({
        code: 1429,
        message: `You have ${PER_USER} running, starting or failed sessions; the limit per user is ${PER_USER}.`,
      });
      // The same launch again is still its session (200), not a quota refusal.
      expect((await post(bob, "b0")).status).toBe(200);
      // A hibernated session holds no place.
      const patched = await call(endpoint("serversPatch"), {
        headers: bob,
        params: { server_name: res[0]?.json.name },
        body: { state: "hibernated" },
      });
      expect(patched.status, patched.text).toBe(200);
      expect((await post(bob, "b7")).status).toBe(201);
      expect((await post(bob, "b6")).status).toBe(429);
    });

    it("a failed create gives its place back: the user still launches up to the limit, and nothing is left", async () => {
      const frank = registeredHeaders({ username: "frank", gitToken: "glpat-bob-secret" });
      // The cluster refuses two creates.
      stack.cluster.faults.inject({
        method: "POST",
        pathPattern: new RegExp(kit.plural),
        kind: "500",
        times: 2,
      });
      const failed = [await post(frank, "b20"), await post(frank, "b21")];
      stack.cluster.faults.clear();
      expect(failed.map((r) => [r.status, r.json.error.code])).toEqual([
        [500, 3002],
        [500, 3002],
      ]);
      expect(await list(frank)).toEqual([]);
      expect(await kit.repository(stack.deps).listForUser("frank")).toEqual([]);
      // Neither failure holds a place: the limit is still the whole limit.
      const res = [];
      for (let i = 22; i < 22 + PER_USER + 1; i++) res.push(await post(frank, `b${i}`));
      expect(res.map((r) => r.status)).toEqual([201, 201, 201, 429]);
      expect(res[PER_USER]?.json.error.code).toBe(1429);
      expect(await list(frank)).toHaveLength(PER_USER);
    });

    it("50 concurrent POSTs past a limit of 3 give exactly 3 sessions", async () => {
      const dave = registeredHeaders({ username: "dave" });
      const res = await Promise.all(Array.from({ length: 50 }, (_, i) => post(dave, `b${i}`)));
      expect(statuses(res)).toEqual({ 201: PER_USER, 429: 50 - PER_USER });
      expect(await list(dave)).toHaveLength(PER_USER);
      // Nothing half-made: one place per session, each owned by its session.
      const places = await stack.deps.quotas.list(
        scopeIds(quotaScopes(LIMITS, { kind: "registered", ownerId: "sub-dave" })),
      );
      expect(places.map((p) => p.owner?.name).sort()).toEqual((await list(dave)).sort());
    });
  });

  describe("squatting (issue 14 item 3)", () => {
    const alice = registeredHeaders({ username: "alice" });
    const ALICE = registeredHeaders({ username: "ALICE", gitToken: "glpat-bob-secret" });
    const anonAlice = anonHeaders("alice");

    it("anonymous alice and registered ALICE launch first; alice still gets her own session", async () => {
      const squatters = [await post(anonAlice, "b20"), await post(ALICE, "b20")];
      expect(squatters.map((r) => r.status)).toEqual([201, 201]);
      const mine = await post(alice, "b20");
      expect(mine.status, mine.text).toBe(201);
      const name = mine.json.name as string;
      expect(squatters.map((r) => r.json.name)).not.toContain(name);
      // She sees it, lists it, reads its logs and stops it; the squatters' sessions stay.
      expect((await get(alice, name)).status).toBe(200);
      expect(await list(alice)).toContain(name);
      expect((await logs(alice, name)).status).toBe(200);
      expect((await post(alice, "b20")).json.name).toBe(name);
      expect((await stop(alice, name)).status).toBe(204);
      for (const [who, r] of [
        [anonAlice, squatters[0]],
        [ALICE, squatters[1]],
      ] as const) {
        expect((await get(who, r?.json.name)).status).toBe(200);
        expect((await get(alice, r?.json.name)).status).toBe(404);
      }
    });

    // Scripted as raw JupyterServers (the launch helper writes no other kind of hand-made
    // session); the AmaltheaSession backend shares the naming and ownership code.
    if (kit.name === "jupyterserver")
      it("both names held by other identities: a clear 409 code 1409, never a 500", async () => {
        const user = await userOf(stack.deps, alice);
        const names = sessionNames(user, {
          namespace: "renku-demo",
          project: "hello-world",
          branch: "b21",
          commitSha: HELLO.master,
        }).create;
        for (const name of names) {
          await launch(stack, {
            headers: registeredHeaders({ username: "alice", sub: "someone-else" }),
            branch: "b21",
            mutate: (m) => {
              m.metadata.name = name;
            },
          });
        }
        const res = await post(alice, "b21");
        expect(res.status, res.text).toBe(409);
        expect(res.json.error.code).toBe(1409);
        expect(res.json.error.message).toContain("taken by another user's session");
      });
  });

  describe("kinds never match (issue 14 item 4)", () => {
    it("anonymous carol cannot reach registered carol (sub carol) on GET, list, logs or DELETE", async () => {
      const carol = registeredHeaders({ username: "carol", sub: "carol" });
      const anonCarol = anonHeaders("carol");
      const res = await post(carol, "b30");
      expect(res.status).toBe(201);
      const name = res.json.name as string;
      expect((await get(anonCarol, name)).status).toBe(404);
      expect(await list(anonCarol)).not.toContain(name);
      expect((await logs(anonCarol, name)).status).toBe(404);
      expect((await stop(anonCarol, name)).status).toBe(404);
      expect((await get(carol, name)).status).toBe(200);
    });

    // Scripted as raw JupyterServers (the launch helper writes no other kind of hand-made
    // session); the AmaltheaSession backend shares the naming and ownership code.
    if (kit.name === "jupyterserver")
      it("a session made before the kind was recorded keeps working for its owner", async () => {
        const erin = registeredHeaders({ username: "carol", sub: "sub-erin-legacy" });
        const js = await launch(stack, {
          headers: erin,
          branch: "b31",
          mutate: (m) => {
            delete m.metadata.labels["renku.io/user-kind"];
          },
        });
        const stored = await kit.stored(stack.deps, js.metadata.name);
        expect(stored?.labels).not.toHaveProperty("renku.io/user-kind");
        expect((await get(erin, js.metadata.name)).status).toBe(200);
        expect((await post(erin, "b31")).json.name).toBe(js.metadata.name);
        expect((await stop(erin, js.metadata.name)).status).toBe(204);
      });
  });
});

/**
 * Isolation: every endpoint that names a session or an autosave answers 404 to anyone but the
 * owner (another registered user, an anonymous user, a forged anonymous id) and changes nothing.
 * Once for each backend.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { backendStack } from "../../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { call, endpoint } from "./endpoints.js";

const HELLO = {
  namespace: "renku-demo",
  project: "hello-world",
  commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
};
const AUTOSAVE = "renku/autosave/alice/master/41e286a/8ae5118";

const alice = registeredHeaders({ username: "alice" });
const owners = {
  alice,
  anonOwner: anonHeaders("anon-owner-7Hq2xZ"),
  // Issue 14: a registered user whose `sub` equals her username, which anyone can send as an id.
  carol: registeredHeaders({ username: "carol", sub: "carol" }),
};
/** What must never leak to an intruder: the owner's e-mail or anonymous id. */
const secretOf: Record<string, string> = {
  alice: "alice@example.org",
  anonOwner: "anon-owner-7Hq2xZ",
  carol: "carol@example.org",
};

/** Who tries to reach a session that is not theirs. */
const intruders: Record<string, Record<string, string>> = {
  "another registered user": registeredHeaders({ username: "bob" }),
  "an anonymous user": anonHeaders("anon-intruder-1"),
  // An anonymous id equal to the owner's username escapes to the same safe username.
  "a forged anonymous id (alice)": anonHeaders("alice"),
  // Ids that differ only in case escape to the same (lower-cased) safe username.
  "a forged anonymous id (case)": anonHeaders("ANON-OWNER-7hQ2Xz"),
  "a registered user named like the anonymous owner": registeredHeaders({
    username: "anon-owner-7Hq2xZ",
    gitToken: "glpat-bob-secret",
  }),
  // Issue 14: the identity kind is part of ownership, whatever the strings.
  "an anonymous id equal to carol's username and sub": anonHeaders("carol"),
  "a registered user named like alice in capitals": registeredHeaders({
    username: "ALICE",
    gitToken: "glpat-bob-secret",
  }),
  "a registered user whose sub is the anonymous owner's id": registeredHeaders({
    username: "anon-owner-7Hq2xZ",
    sub: "anon-owner-7Hq2xZ",
    gitToken: "glpat-bob-secret",
  }),
};

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  const stack = backendStack(kit);
  const names: Record<string, string> = {};

  const writes = () =>
    stack.cluster.requests.filter((r) => r.method !== "GET" && r.method !== "HEAD").length;
  const gitlabWrites = () => stack.gitlab.calls.filter((c) => c.method !== "GET").length;

  async function snapshot(name: string) {
    const stored = await kit.stored(stack.deps, name);
    return stored ? JSON.stringify(stored.raw) : "gone";
  }

  beforeAll(async () => {
    for (const [owner, headers] of Object.entries(owners)) {
      const res = await call(endpoint("serversCreate"), { headers, body: HELLO });
      expect(res.status, res.text).toBe(201);
      names[owner] = res.json.name;
    }
  });

  const sessionCalls = {
    get: (name: string) => ({ e: endpoint("serversGet"), c: { params: { server_name: name } } }),
    patch: (name: string) => ({
      e: endpoint("serversPatch"),
      c: { params: { server_name: name }, body: { state: "hibernated" } },
    }),
    delete: (name: string) => ({
      e: endpoint("serversDelete"),
      c: { params: { server_name: name } },
    }),
    "delete forced": (name: string) => ({
      e: endpoint("serversDelete"),
      c: { params: { server_name: name }, query: { forced: "true" } },
    }),
    logs: (name: string) => ({ e: endpoint("logs"), c: { params: { server_name: name } } }),
    events: (name: string) => ({
      e: endpoint("serversEvents"),
      c: { params: { server_name: name } },
    }),
  } as const;

  describe.each(Object.keys(owners))("the session of %s", (owner) => {
    for (const [who, headers] of Object.entries(intruders)) {
      for (const [op, make] of Object.entries(sessionCalls)) {
        it(`${op} by ${who}: 404, nothing changed`, async () => {
          const name = names[owner] ?? "";
          const before = await snapshot(name);
          const w = writes();
          const { e, c } = make(name);
          const res = await call(e, { ...c, headers });
          if ("renku-auth-anon-id" in headers && op === "patch") {
            // Anonymous callers cannot PATCH at all (422, code 3007), whoever owns the name.
            expect(res.status, res.text).toBe(422);
            expect(res.json.error.code).toBe(3007);
          } else {
            expect(res.status, res.text).toBe(404);
            expect(res.json.error.code).toBe(1404);
          }
          expect(res.text).not.toContain(secretOf[owner]);
          expect(writes()).toBe(w);
          expect(await snapshot(name)).toBe(before);
        });
      }
      it(`list by ${who} does not show it`, async () => {
        const res = await call(endpoint("serversList"), { headers });
        expect(res.status).toBe(200);
        expect(Object.keys(res.json.servers)).not.toContain(names[owner]);
      });
    }
  });

  describe("the same launch request by someone else", () => {
    for (const [who, headers] of Object.entries(intruders)) {
      it(`${who} never gets alice's session back`, async () => {
        const res = await call(endpoint("serversCreate"), { headers, body: HELLO });
        expect(res.json?.name === names.alice && res.status < 300).toBe(false);
        const mine = await kit.stored(stack.deps, names.alice ?? "");
        expect(mine?.labels["renku.io/userId"]).toBe("sub-alice");
      });
    }
  });

  describe("autosaves", () => {
    const project = "renku-demo/hello-world";
    beforeAll(() => {
      // alice's launch above cleaned up this autosave (its root is an ancestor): put it back.
      stack.gitlab.state.setBranch(project, AUTOSAVE, "8ae51187b22f0d0a3b93f9c4eb2d6f2937b68ba7");
    });
    const branchExists = () => stack.gitlab.state.project(project)?.branches.has(AUTOSAVE) ?? false;

    for (const [who, headers] of Object.entries(intruders)) {
      it(`delete of alice's autosave by ${who}: 404, branch kept`, async () => {
        expect(branchExists()).toBe(true);
        const w = gitlabWrites();
        const res = await call(endpoint("autosavesDelete"), {
          headers,
          params: { namespace_project: project, autosave_name: AUTOSAVE },
        });
        expect(res.status, res.text).toBe(404);
        expect(gitlabWrites()).toBe(w);
        expect(branchExists()).toBe(true);
      });
      it(`list by ${who} shows none of alice's autosaves`, async () => {
        const res = await call(endpoint("autosavesList"), {
          headers,
          params: { namespace_project: project },
        });
        expect(res.status).toBe(200);
        expect(JSON.stringify(res.json)).not.toContain("autosave/alice");
      });
    }
  });

  describe("anonymous sessions are not guessable", () => {
    it("near-identical anonymous ids get different sessions and cannot reach each other's", async () => {
      const a = anonHeaders("anon-aaaaaaaaaaaaaaaa1");
      const b = anonHeaders("anon-aaaaaaaaaaaaaaaa2");
      const ra = await call(endpoint("serversCreate"), { headers: a, body: HELLO });
      const rb = await call(endpoint("serversCreate"), { headers: b, body: HELLO });
      expect(ra.status).toBe(201);
      expect(rb.status).toBe(201);
      expect(ra.json.name).not.toBe(rb.json.name);
      const cross = await call(endpoint("serversGet"), {
        headers: b,
        params: { server_name: ra.json.name },
      });
      expect(cross.status).toBe(404);
      const listed = await call(endpoint("serversList"), { headers: b });
      expect(Object.keys(listed.json.servers)).toEqual([rb.json.name]);
    });
  });

  describe("events", () => {
    const event = (
      name: string,
      involved: { kind: string; name: string; uid?: string | undefined },
      message: string,
    ) => ({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: "renku", creationTimestamp: new Date().toISOString() },
      involvedObject: { ...involved, namespace: "renku" },
      reason: "Injected",
      message,
      type: "Warning",
      lastTimestamp: new Date(Date.now() + 60_000).toISOString(),
      count: 1,
    });

    it("shows the owner only their session's objects, with token-like strings redacted", async () => {
      const alicePod = `${names.alice}-0`;
      const other = (await call(endpoint("serversCreate"), {
        headers: registeredHeaders({ username: "bob" }),
        body: { ...HELLO, branch: "master" },
      })) as { json: { name: string } };
      // Events name their object's uid; the pod's, as the kubelet would (issue 24: by uid).
      const uid = (await stack.deps.k8s.getPod(alicePod))?.metadata?.uid;
      stack.cluster.bulkLoad([
        event(
          "iso-1",
          { kind: "Pod", name: alicePod, uid },
          "pull failed: Bearer glpat-aliceSecretToken123 rejected",
        ),
        // Same name, another kind: not one of the session's objects.
        event("iso-2", { kind: "ConfigMap", name: alicePod }, "configmap of someone else"),
        event("iso-3", { kind: "Pod", name: `${other.json.name}-0` }, "bob's pod"),
      ]);
      const res = await call(endpoint("serversEvents"), {
        headers: alice,
        params: { server_name: names.alice ?? "" },
      });
      expect(res.status, res.text).toBe(200);
      const events = res.json.events as {
        object: { kind: string; name: string };
        message: string;
      }[];
      for (const e of events) expect([names.alice, alicePod]).toContain(e.object.name);
      expect(res.text).not.toContain("configmap of someone else");
      expect(res.text).not.toContain("bob's pod");
      expect(res.text).not.toContain("glpat-aliceSecretToken123");
      expect(events.map((e) => e.message)).toContain("pull failed: Bearer [redacted] rejected");
    });
  });
});

/**
 * Nothing half-made: faults injected at each step of POST /notebooks/servers, on both backends,
 * through the local cluster's own faults (a refused, reset, stalled or answer-lost create) and with
 * other users' sessions really in the cluster. Before the create nothing exists to remove; a failed
 * create (or one whose answer was lost) is looked up and this launch's object removed, never a
 * concurrent launch's; the ledger and the autosave clean-up never fail a launch.
 */
import { afterEach, describe, expect, it } from "vitest";
import { LAUNCH_ID_ANNOTATION } from "../../../lib/backends/pod/create.js";
import { sessionNames } from "../../../lib/sessions/index.js";
import { backendStack } from "../../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { registeredHeaders } from "../../helpers/users.js";
import { LOCAL_TOKEN } from "../../local/cluster/index.js";
import { helloBody, launch } from "./helpers.js";

const alice = registeredHeaders({ username: "alice" });
// Another account whose username escapes to alice's ("Alice" and "alice" share a safe username).
// Same GitLab account behind both (the project must be visible to the other one too).
const otherAlice = registeredHeaders({
  username: "Alice",
  sub: "sub-other-account",
  gitToken: "glpat-alice-secret",
});
const errorOf = (json: unknown) => (json as { error: { code: number; message: string } }).error;
const HELLO_SHA = "f1ea33570b1b86af316b85539c1b5d5c07949a82";

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  const stack = backendStack(kit);
  const plural = new RegExp(kit.plural);

  afterEach(async () => {
    stack.cluster.faults.clear();
    stack.gitlab.clearFaults();
    for (const s of await kit.repository(stack.deps).list())
      await kit.repository(stack.deps).delete(s.metadata.name, { forced: true });
    await stack.cluster.amalthea.settle();
  });

  /** The sessions in the cluster: name, and whether they are being deleted. */
  const sessions = async () =>
    (await kit.repository(stack.deps).list()).map((s) => ({
      name: s.metadata.name,
      deleting: s.metadata.deletionTimestamp !== undefined,
    }));
  /** The Secrets of the sessions' namespace (an AmaltheaSession launch writes some first). */
  const secretNames = async () => {
    const r = await fetch(`${stack.cluster.url}/api/v1/namespaces/renku/secrets`, {
      headers: { authorization: `Bearer ${LOCAL_TOKEN}` },
    });
    return ((await r.json()) as { items: { metadata: { name: string } }[] }).items
      .map((s) => s.metadata.name)
      .sort();
  };
  // After a failed create, an AmaltheaSession launch looks once more: is a session there to adopt
  // the Secrets it wrote? If not, they go.
  const secretsCheck = kit.name === "amaltheasession" ? [`get ${kit.plural}`] : [];
  /** The cluster calls on the sessions' custom resource since `n`, as "verb plural". */
  const since = (n: number) =>
    stack.cluster.requests
      .slice(n)
      .filter((r) => r.resource === kit.plural)
      .map((r) => `${r.verb} ${r.resource}`);

  describe("faults before anything is created", () => {
    it("the lookup of an existing session fails: 503 code 3503, and no create is attempted", async () => {
      // The lookup lists the caller's sessions (their names and the idempotent answer).
      stack.cluster.faults.inject({
        method: "GET",
        pathPattern: new RegExp(`${kit.plural}\\?`),
        kind: "500",
      });
      const before = stack.cluster.requests.length;
      const res = await launch(alice, helloBody({ branch: "main" }));
      expect(res.status, res.text).toBe(503);
      expect(errorOf(res.json).code).toBe(3503);
      expect(since(before)).not.toContain(`create ${kit.plural}`);
      expect(await sessions()).toEqual([]);
    });
  });

  describe("another user's session under the caller's session name (docs/spec.md 3.1)", () => {
    const names = () =>
      sessionNames(
        { kind: "registered", id: "sub-alice", safeUsername: "alice" },
        { namespace: "renku-demo", project: "hello-world", branch: "dev", commitSha: HELLO_SHA },
      ).create;

    it("is never shown: the launch takes its other name; both names held: 409 code 1409 and nothing created", async () => {
      stack.gitlab.state.setBranch("renku-demo/hello-world", "dev", HELLO_SHA);
      const [primary, alternate] = names();
      // The other account launches first and gets the shared first name.
      const theirs = await launch(otherAlice, helloBody({ branch: "dev" }));
      expect(theirs.status, theirs.text).toBe(201);
      expect((theirs.json as { name: string }).name).toBe(primary);

      const res = await launch(alice, helloBody({ branch: "dev" }));
      expect(res.status, res.text).toBe(201);
      expect((res.json as { name: string }).name).toBe(alternate);
      expect(res.text).not.toContain("sub-other-account");

      // The other name passes to the other account too (in the cluster, as an operator could).
      await kit.patchMerge(stack.deps, alternate, {
        metadata: { annotations: { "renku.io/userId": "sub-other-account" } },
      });
      const held = await sessions();
      const before = stack.cluster.requests.length;
      const refused = await launch(alice, helloBody({ branch: "dev" }));
      expect(refused.status, refused.text).toBe(409);
      expect(errorOf(refused.json)).toEqual({
        code: 1409,
        message: `The session name ${primary} is taken by another user's session.`,
        detail:
          "Another identity holds the names this launch derives; change the branch or commit, or contact your administrator.",
      });
      expect(refused.text).not.toContain("sub-other-account");
      expect(since(before).filter((c) => !c.startsWith("list"))).toEqual([]);
      expect(await sessions()).toEqual(held);
    });
  });

  describe("faults at the create", () => {
    it("a refused create answers 500 code 3002 and leaves nothing", async () => {
      stack.cluster.faults.inject({ method: "POST", pathPattern: plural, kind: "500" });
      const before = stack.cluster.requests.length;
      const secrets = await secretNames();
      const res = await launch(alice, helloBody());
      expect(res.status).toBe(500);
      const err = errorOf(res.json);
      expect(err.code).toBe(3002);
      expect(err.message).toMatch(/^Cannot start the session alice-hello-2dworld-[0-9a-f]{8}$/);
      // The clean-up looked, found nothing of this launch, and deleted nothing.
      expect(since(before)).toEqual([
        `list ${kit.plural}`,
        `create ${kit.plural}`,
        `get ${kit.plural}`,
        ...secretsCheck,
      ]);
      // Its quota place was taken, then freed (D19).
      expect(
        stack.cluster.requests
          .slice(before)
          .filter((r) => r.resource === "configmaps")
          .map((r) => `${r.verb} ${r.resource}`),
      ).toEqual(["list configmaps", "create configmaps", "delete configmaps"]);
      expect(await sessions()).toEqual([]);
      expect(await secretNames()).toEqual(secrets);
    });

    it("a reset connection during the create answers 3002 and leaves nothing", async () => {
      stack.cluster.faults.inject({ method: "POST", pathPattern: plural, kind: "reset" });
      const secrets = await secretNames();
      const res = await launch(alice, helloBody());
      expect(res.status).toBe(500);
      expect(errorOf(res.json).code).toBe(3002);
      expect(await sessions()).toEqual([]);
      expect(await secretNames()).toEqual(secrets);
    });

    it("a create that reached the cluster but whose answer was lost is removed", async () => {
      stack.cluster.faults.inject({ method: "POST", pathPattern: plural, kind: "drop-answer" });
      const before = stack.cluster.requests.length;
      const secrets = await secretNames();
      const res = await launch(alice, helloBody());
      expect(res.status).toBe(500);
      expect(errorOf(res.json).code).toBe(3002);
      expect(since(before)).toEqual([
        `list ${kit.plural}`,
        `create ${kit.plural}`,
        `get ${kit.plural}`,
        `delete ${kit.plural}`,
        ...secretsCheck,
      ]);
      // The create was applied (its answer only was lost), then removed.
      expect(
        stack.cluster.requests
          .slice(before)
          .find((r) => r.verb === "create" && r.resource === kit.plural)?.unanswered,
      ).toBe(true);
      expect((await sessions()).every((s) => s.deleting)).toBe(true);
      await stack.cluster.amalthea.settle();
      expect(await sessions()).toEqual([]);
      // The Secrets went with the session (the operator's adoption) or by the launch itself.
      expect(await secretNames()).toEqual(secrets);
    });

    it("a failed create never removes a concurrent identical launch's session", async () => {
      // This launch's create stalls; meanwhile an identical launch completes. Then the stalled
      // create's connection is cut unanswered: the order is the test's, not a clock's.
      stack.cluster.faults.inject({ method: "POST", pathPattern: plural, kind: "stall" });
      const before = stack.cluster.requests.length;
      const stalled = launch(alice, helloBody());
      await expect
        .poll(() => since(before).includes(`create ${kit.plural}`), {
          interval: 20,
          timeout: 60_000,
        })
        .toBe(true);
      const other = await launch(alice, helloBody());
      expect(other.status, other.text).toBe(201);
      expect(stack.cluster.faults.cutStalled()).toBe(1);
      const res = await stalled;
      expect(res.status, res.text).toBe(500);
      expect(errorOf(res.json).code).toBe(3002);
      // The stalled launch's clean-up looked after the other's create, and removed nothing.
      const calls = since(before);
      expect(calls.filter((c) => c.startsWith("create"))).toHaveLength(2);
      expect(calls.at(-1)).toBe(`get ${kit.plural}`);
      expect(calls).not.toContain(`delete ${kit.plural}`);
      const left = await kit.repository(stack.deps).list();
      expect(left).toHaveLength(1);
      expect(left[0]?.metadata.deletionTimestamp).toBeUndefined();
      expect(left[0]?.metadata.annotations?.[LAUNCH_ID_ANNOTATION]).toBeTruthy();
      // The next identical POST finds it: 200, no further checks.
      const again = await launch(alice, helloBody());
      expect(again.status).toBe(200);
    });
  });

  describe("faults after the create never fail the launch", () => {
    it("the ledger cannot be read: 201, and the failure is logged", async () => {
      stack.cluster.faults.inject({
        method: "GET",
        pathPattern: /configmaps\/renku-notebooks-autosave-ledger/,
        kind: "500",
      });
      const res = await launch(alice, helloBody({ branch: "feature/plots" }));
      expect(res.status).toBe(201);
      expect(stack.logs.join("\n")).toContain("could not record the launch in the autosave ledger");
      expect(await sessions()).toHaveLength(1);
    });

    it("the autosave listing fails: 201 all the same", async () => {
      stack.gitlab.injectFault({ method: "GET", pathPattern: /branches\?search=/, kind: "500" });
      const res = await launch(alice, helloBody({ branch: "master" }));
      expect(res.status).toBe(201);
      expect(stack.logs.join("\n")).toContain("autosave clean-up on launch: listing failed");
    });
  });
});

/**
 * Nothing half-made: faults injected at each step of POST /notebooks/servers. Before the create
 * nothing exists to remove; a failed create (or one whose answer was lost) is looked up and this
 * launch's object removed, never a concurrent launch's; the ledger and the autosave clean-up
 * never fail a launch.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LAUNCH_ID_ANNOTATION } from "../../../lib/backends/jupyterserver/create.js";
import type { JupyterServer } from "../../../lib/backends/jupyterserver/types.js";
import { sessionBackend } from "../../../lib/backends/select.js";
import type { Deps } from "../../../lib/deps.js";
import { sessionNames } from "../../../lib/sessions/index.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { helloBody, launch } from "./helpers.js";

let stack: SessionStack;
let realK8s: Deps["k8s"];
const alice = registeredHeaders({ username: "alice" });

beforeAll(async () => {
  stack = await startSessionStack();
  realK8s = stack.deps.k8s;
});
afterEach(() => {
  stack.cluster.faults.clear();
  stack.gitlab.clearFaults();
  useK8s(realK8s);
});
afterAll(async () => {
  await stack?.stop();
});

/** A cluster client with faults; the sessions backend is rebuilt on it, as wiring would. */
function useK8s(repo: Deps["k8s"]) {
  stack.deps.k8s = repo;
  stack.deps.sessions = sessionBackend(repo, stack.deps.config, stack.deps.log);
}

const servers = async () => (await realK8s.list()) as JupyterServer[];
const errorOf = (json: unknown) => (json as { error: { code: number; message: string } }).error;
const HELLO_SHA = "f1ea33570b1b86af316b85539c1b5d5c07949a82";
const since = (n: number) => stack.cluster.requests.slice(n).map((r) => `${r.verb} ${r.resource}`);

describe("faults before anything is created", () => {
  it("the lookup of an existing session fails: an error, and no create is attempted", async () => {
    // The lookup lists the caller's sessions (their names and the idempotent answer).
    stack.cluster.faults.inject({ method: "GET", pathPattern: /jupyterservers\?/, kind: "500" });
    const before = stack.cluster.requests.length;
    const res = await launch(alice, helloBody({ branch: "main" }));
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(since(before)).not.toContain("create jupyterservers");
    expect(await servers()).toEqual([]);
  });
});

describe("a foreign session under the caller's session name (docs/spec.md 3.1)", () => {
  const foreign = (name: string) =>
    ({
      apiVersion: "amalthea.dev/v1alpha1",
      kind: "JupyterServer",
      metadata: {
        name,
        labels: { "renku.io/safe-username": "alice" },
        annotations: { "renku.io/username": "mallory", "renku.io/userId": "mallory" },
      },
    }) as unknown as JupyterServer;
  const names = () =>
    sessionNames(
      { kind: "registered", id: "sub-alice", safeUsername: "alice" },
      { namespace: "renku-demo", project: "hello-world", branch: "dev", commitSha: HELLO_SHA },
    ).create;

  it("is never shown: the launch takes its other name", async () => {
    stack.gitlab.state.setBranch("renku-demo/hello-world", "dev", HELLO_SHA);
    const [primary, alternate] = names();
    useK8s({ ...realK8s, listForUser: async () => [foreign(primary)] });
    const res = await launch(alice, helloBody({ branch: "dev" }));
    expect(res.status, res.text).toBe(201);
    expect((res.json as { name: string }).name).toBe(alternate);
    expect(res.text).not.toContain("mallory");
    await realK8s.delete(alternate, { forced: true });
    await stack.cluster.amalthea.settle();
  });

  it("both names held: 409 code 1409 without the holder's details, and nothing is created", async () => {
    useK8s({ ...realK8s, listForUser: async () => names().map(foreign) });
    const before = stack.cluster.requests.length;
    const res = await launch(alice, helloBody({ branch: "dev" }));
    expect(res.status).toBe(409);
    expect(errorOf(res.json)).toMatchObject({
      code: 1409,
      message: `The session name ${names()[0]} is taken by another user's session.`,
    });
    expect(res.text).not.toContain("mallory");
    expect(since(before)).toEqual([]);
  });
});

describe("faults at the create", () => {
  it("a refused create answers 500 code 3002 and leaves nothing", async () => {
    stack.cluster.faults.inject({ method: "POST", pathPattern: /jupyterservers/, kind: "500" });
    const before = stack.cluster.requests.length;
    const res = await launch(alice, helloBody());
    expect(res.status).toBe(500);
    const err = errorOf(res.json);
    expect(err.code).toBe(3002);
    expect(err.message).toMatch(/^Cannot start the session alice-hello-2dworld-[0-9a-f]{8}$/);
    // The clean-up looked, found nothing of this launch, and deleted nothing.
    expect(since(before).filter((c) => c.endsWith("jupyterservers"))).toEqual([
      "list jupyterservers",
      "create jupyterservers",
      "get jupyterservers",
    ]);
    // Its quota place was taken, then freed (D19).
    expect(since(before).filter((c) => c.endsWith("configmaps"))).toEqual([
      "list configmaps",
      "create configmaps",
      "delete configmaps",
    ]);
    expect(await servers()).toEqual([]);
  });

  it("a reset connection during the create answers 3002 and leaves nothing", async () => {
    stack.cluster.faults.inject({ method: "POST", pathPattern: /jupyterservers/, kind: "reset" });
    const res = await launch(alice, helloBody());
    expect(res.status).toBe(500);
    expect(errorOf(res.json).code).toBe(3002);
    expect(await servers()).toEqual([]);
  });

  it("a create that reached the cluster but whose answer was lost is removed", async () => {
    useK8s({
      ...realK8s,
      create: async (manifest) => {
        await realK8s.create(manifest);
        throw new Error("socket hang up");
      },
    });
    const before = stack.cluster.requests.length;
    const res = await launch(alice, helloBody());
    expect(res.status).toBe(500);
    expect(errorOf(res.json).code).toBe(3002);
    expect(since(before).filter((c) => c.endsWith("jupyterservers"))).toEqual([
      "list jupyterservers",
      "create jupyterservers",
      "get jupyterservers",
      "delete jupyterservers",
    ]);
    const left = await servers();
    expect(left.every((s) => s.metadata.deletionTimestamp !== undefined)).toBe(true);
    await stack.cluster.amalthea.settle();
    expect(await servers()).toEqual([]);
  });

  it("a failed create never removes a concurrent identical launch's session", async () => {
    // Another launch's object appears under the same name while this create fails.
    useK8s({
      ...realK8s,
      create: async (manifest) => {
        const js = manifest as unknown as JupyterServer;
        const other = {
          ...js,
          metadata: {
            ...js.metadata,
            annotations: { ...js.metadata.annotations, [LAUNCH_ID_ANNOTATION]: "someone-else" },
          },
        };
        await realK8s.create(other as typeof manifest);
        throw new Error("socket hang up");
      },
    });
    const res = await launch(alice, helloBody());
    expect(res.status).toBe(500);
    const left = await servers();
    expect(left).toHaveLength(1);
    expect(left[0]?.metadata.deletionTimestamp).toBeUndefined();
    // The next identical POST finds it: 200, no further checks.
    useK8s(realK8s);
    const again = await launch(alice, helloBody());
    expect(again.status).toBe(200);
    await realK8s.delete(left[0]?.metadata.name ?? "", { forced: true });
    await stack.cluster.amalthea.settle();
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
    expect(await servers()).toHaveLength(1);
  });

  it("the autosave listing fails: 201 all the same", async () => {
    stack.gitlab.injectFault({ method: "GET", pathPattern: /branches\?search=/, kind: "500" });
    const res = await launch(alice, helloBody({ branch: "master" }));
    expect(res.status).toBe(201);
    expect(stack.logs.join("\n")).toContain("autosave clean-up on launch: listing failed");
  });
});

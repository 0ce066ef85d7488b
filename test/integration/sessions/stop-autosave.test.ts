/**
 * The autosave on stop (issue 23 item 4, D24). An AmaltheaSession's pod has Kubernetes' default
 * 30 s grace period (Amalthea 0.31 sets none and its CRD has no field for one): a preStop autosave
 * that needs longer is killed with the pod. So DELETE and PATCH hibernated mark the session as
 * stopping and hand the stop to the sessionStop function, which asks the sidecar's
 * `autosave/create` RPC (with a deadline) before it deletes or hibernates. The simulated autosave
 * takes 40 s and the grace period 30 s, both on the simulator's scaled clock (1 s = 10 ms). The
 * Lambda API here is a stand-in that runs the real function's entry point on the event.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isStopEvent } from "../../../lib/autosave/stop-hand-off.js";
import { stopEntry } from "../../../lib/use-cases/stop-hand-off.js";
import { KITS } from "../../helpers/backends.js";
import { installTestDeps, useTestDeps } from "../../helpers/deps.js";
import { type LambdaApi, startLambdaApi } from "../../helpers/lambda-api.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { GIT_STATE_ANNOTATION } from "../../local/cluster/index.js";
import { sessionsApi } from "./api.js";
import { HELLO, launch } from "./launch.js";

const FUNCTION = "renku-notebooks-test-sessionStop";
// bob is a Developer of renku-demo/hello-world: his sessions may autosave.
const bob = registeredHeaders({ username: "bob" });
const api = sessionsApi(bob);
const root7 = HELLO.master.slice(0, 7);
const autosaveOf = (branch: string) => `renku/autosave/bob/${branch}/${root7}/${root7}`;
// Simulated seconds to real milliseconds: 40 s of autosave take 400 ms, the 30 s grace 300 ms.
const SCALE = 0.01;
const SLOW = { clean: false, autosaveSeconds: 40 };

let lambda: LambdaApi;
let current: SessionStack | undefined;

beforeAll(async () => {
  lambda = await startLambdaApi((event) => {
    const stack = current;
    const run = stopEntry(() => stack?.deps as NonNullable<typeof stack>["deps"]);
    return () => (isStopEvent(event) ? run(event) : Promise.reject(new Error("not a stop")));
  });
});
afterAll(async () => {
  await lambda?.close();
});
beforeEach(() => {
  lambda.invocations.length = 0;
});
const invocations = () => lambda.invocations;

const handOffEnv = () => ({
  NB_AUTOSAVE__ON_STOP_FUNCTION: FUNCTION,
  NB_AUTOSAVE__LAMBDA_ENDPOINT: lambda.url,
});

function stackFor(backend: "amaltheasession" | "jupyterserver", env: () => Record<string, string>) {
  const kit = KITS[backend];
  const ctx = {} as { stack: SessionStack };
  beforeAll(async () => {
    ctx.stack = await startSessionStack({
      env: { ...kit.env, ...env() },
      timing: "instant",
      graceScale: SCALE,
    });
    current = ctx.stack;
  });
  afterAll(async () => {
    await ctx.stack?.stop();
  });
  const branches = () => [...(ctx.stack.gitlab.state.project(1001)?.branches.keys() ?? [])];
  const dirty = async (branch: string, state: object = SLOW) => {
    const js = await launch(ctx.stack, { headers: bob, branch });
    const name = js.metadata.name;
    expect((await api.get(name)).json.status.state).toBe("running");
    await kit.patchMerge(ctx.stack.deps, name, {
      metadata: { annotations: { [GIT_STATE_ANNOTATION]: JSON.stringify(state) } },
    });
    return name;
  };
  const gone = (name: string) =>
    expect
      .poll(async () => (await api.get(name)).status, { timeout: 20_000, interval: 50 })
      .toBe(404);
  return { kit, ctx, branches, dirty, gone };
}

describe("AmaltheaSession backend, without a stop function (the stop as before)", () => {
  const { ctx, branches, dirty, gone } = stackFor("amaltheasession", () => ({}));

  it("a 40 s autosave is killed at the pod's 30 s grace period: the work is lost", async () => {
    const name = await dirty("lost-on-stop");
    expect((await api.stop(name)).status).toBe(204);
    const pod = await ctx.stack.deps.k8s.getPod(`${name}-0`);
    expect(pod?.metadata?.deletionGracePeriodSeconds).toBe(30);
    await gone(name);
    expect(branches()).not.toContain(autosaveOf("lost-on-stop"));
    expect(invocations()).toEqual([]);
  });
});

describe("AmaltheaSession backend, the stop handed off (D24)", () => {
  const { ctx, branches, dirty, gone } = stackFor("amaltheasession", handOffEnv);

  it("DELETE: 204 at once, stopping; the function's autosave reaches GitLab before the pod goes", async () => {
    const name = await dirty("saved-on-stop");
    const branch = autosaveOf("saved-on-stop");
    const seen = ctx.stack.cluster.requests.length;
    expect((await api.stop(name)).status).toBe(204);
    // Handed off, not done: the pod runs, the session shows as stopping.
    expect(invocations()).toHaveLength(1);
    const [call] = invocations();
    expect(call?.path).toBe(`/2015-03-31/functions/${FUNCTION}/invocations`);
    expect(call?.headers["x-amz-invocation-type"]).toBe("Event");
    expect(JSON.parse(call?.body ?? "")).toEqual({ stopSession: { name, action: "delete" } });
    expect(ctx.stack.cluster.requests.slice(seen).map((r) => `${r.method} ${r.resource}`)).toEqual(
      expect.not.arrayContaining(["DELETE amaltheasessions"]),
    );
    const stopping = await api.get(name);
    expect(stopping.json.status.state).toBe("stopping");
    expect((await api.list()).json.servers[name].status.state).toBe("stopping");
    expect(await ctx.stack.deps.k8s.getPod(`${name}-0`)).toBeDefined();
    expect(branches()).not.toContain(branch);

    const from = ctx.stack.cluster.requests.length;
    expect(await call?.run()).toEqual({
      server: name,
      action: "delete",
      autosave: branch,
      stopped: true,
    });
    // The RPC answered with the pushed branch before the deletion was sent.
    const calls = ctx.stack.cluster.requests
      .slice(from)
      .filter((r) => r.subresource === "proxy" || r.method === "DELETE")
      .map((r) => `${r.method} ${r.resource}${r.subresource ? `/${r.subresource}` : ""}`);
    expect(calls).toEqual(["POST pods/proxy", "DELETE amaltheasessions"]);
    expect(branches()).toContain(branch);
    const head = ctx.stack.gitlab.state.project(1001)?.branches.get(branch)?.commit ?? "";
    expect(ctx.stack.gitlab.state.project(1001)?.commits.get(head)).toMatchObject({
      parents: [HELLO.master],
      message: `Auto-saving for bob on branch saved-on-stop from commit ${root7}`,
    });
    await gone(name);
    expect(stopping.text).not.toContain("glpat");
  });

  it("PATCH hibernated: answered stopping; the function autosaves, then hibernates", async () => {
    const name = await dirty("saved-on-hibernate");
    const r = await api.patch(name, { state: "hibernated" });
    expect(r.status).toBe(200);
    expect(r.json.status.state).toBe("stopping");
    expect(JSON.parse(invocations()[0]?.body ?? "")).toEqual({
      stopSession: { name, action: "hibernate" },
    });
    expect(await invocations()[0]?.run()).toMatchObject({
      autosave: autosaveOf("saved-on-hibernate"),
      stopped: true,
    });
    expect(branches()).toContain(autosaveOf("saved-on-hibernate"));
    const after = await api.get(name);
    expect(after.json.status.state).toBe("hibernated");
    expect(after.json.annotations["renku.io/stopRequested"]).toBeUndefined();
    expect(after.json.annotations["renku.io/hibernationDirty"]).toBe("true");
    // A hibernated session has no pod: a later stop has nothing to save and is not handed off.
    expect((await api.stop(name)).status).toBe(204);
    expect(invocations()).toHaveLength(1);
    await gone(name);
  });

  it("an autosave past the deadline: the stop goes on and says so (no secret in the log)", async () => {
    const hurried = useTestDeps({ ...ctx.stack.env, NB_AUTOSAVE__ON_STOP_DEADLINE_SECONDS: "1" });
    try {
      // 200 simulated seconds: 2 s, past the 1 s deadline.
      const name = await dirty("past-deadline", { clean: false, autosaveSeconds: 200 });
      expect((await api.stop(name)).status).toBe(204);
      const result = await stopEntry(() => hurried.deps)(JSON.parse(invocations()[0]?.body ?? ""));
      expect(result).toEqual({
        server: name,
        action: "delete",
        autosave: "deadline",
        stopped: true,
      });
      const logs = hurried.logs.join("\n");
      expect(logs).toContain("the sidecar's autosave before the stop failed; stopping anyway");
      expect(logs).not.toContain("glpat");
      await gone(name);
      // The pod went with its autosave unfinished: nothing reached GitLab.
      expect(branches()).not.toContain(autosaveOf("past-deadline"));
    } finally {
      installTestDeps(ctx.stack.deps);
    }
  });

  it("a Lambda API that refuses the hand-off: the stop runs here, as before, and says so", async () => {
    const name = await dirty("refused-hand-off", { clean: false });
    lambda.refuse = true;
    try {
      expect((await api.stop(name)).status).toBe(204);
    } finally {
      lambda.refuse = false;
    }
    expect(ctx.stack.logs.join("\n")).toContain(
      "stop hand-off failed, stopping here without the autosave first",
    );
    await gone(name);
    // A quick autosave still fits the pod's own grace period.
    expect(branches()).toContain(autosaveOf("refused-hand-off"));
  });

  it("a forced DELETE is not handed off; nor is an anonymous session (no sidecar)", async () => {
    const name = await dirty("forced-stop");
    expect((await api.stop(name, { forced: "true" })).status).toBe(204);
    expect(invocations()).toEqual([]);
    await gone(name);

    const anon = anonHeaders("anon-stopper");
    const js = await launch(ctx.stack, { headers: anon });
    const anonApi = sessionsApi(anon);
    expect((await anonApi.stop(js.metadata.name)).status).toBe(204);
    expect(invocations()).toEqual([]);
  });
});

describe("JupyterServer backend: its pod's grace period fits the autosave", () => {
  const { ctx, branches, dirty, gone } = stackFor("jupyterserver", handOffEnv);

  it("DELETE is not handed off; the preStop's 40 s autosave reaches GitLab within the 600 s grace", async () => {
    const name = await dirty("js-stop");
    expect((await api.stop(name)).status).toBe(204);
    expect(invocations()).toEqual([]);
    const pod = await ctx.stack.deps.k8s.getPod(`${name}-0`);
    expect(pod?.metadata?.deletionGracePeriodSeconds).toBe(600);
    await gone(name);
    expect(branches()).toContain(autosaveOf("js-stop"));
  });
});

/**
 * Sessions whose environment breaks an image's contract (images.md) fail on the enforcing local
 * Amalthea as they would on a real cluster, seen through GET and the logs endpoint; the sessions
 * the service builds start.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JupyterServer } from "../../../lib/backends/jupyterserver/types.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "./api.js";
import { launch } from "./launch.js";

const dave = registeredHeaders({ username: "dave" });
const api = sessionsApi(dave);
let stack: SessionStack;

type EnvList = { name: string; value?: string }[];
interface PatchedContainer {
  name: string;
  env?: EnvList;
}

/** Rewrites the env of one container that the manifest's patches add. */
function editEnv(container: string, edit: (env: EnvList) => EnvList) {
  return (m: JupyterServer) => {
    for (const patch of m.spec.patches ?? []) {
      if (!Array.isArray(patch.patch)) continue;
      for (const op of patch.patch as { value?: PatchedContainer }[]) {
        if (op.value?.name === container && op.value.env) op.value.env = edit(op.value.env);
      }
    }
  };
}
const without = (prefix: string) => (env: EnvList) => env.filter((e) => !e.name.startsWith(prefix));

const steps = (json: { status: { details: { step: string; status: string }[] } }) =>
  Object.fromEntries(json.status.details.map((d) => [d.step, d.status]));

beforeAll(async () => {
  stack = await startSessionStack({ timing: "instant" });
});
afterAll(async () => {
  await stack?.stop();
});

describe("a broken environment fails the way the image would", () => {
  it("git-clone with the old GIT_CLONE_USER__RENKU_TOKEN exits 1: the session fails", async () => {
    const js = await launch(stack, {
      headers: dave,
      branch: "clone-unknown-key",
      mutate: editEnv("git-clone", (env) => [
        ...env,
        { name: "GIT_CLONE_USER__RENKU_TOKEN", value: "t" },
      ]),
    });
    const r = await api.get(js.metadata.name);
    expect(r.json.status.state).toBe("failed");
    expect(r.json.status.message).toBe(
      "The server shut down unexpectedly. Please ensure that your Dockerfile is correct and up-to-date.",
    );
    expect(steps(r.json)["Cloning and configuring the repository"]).toBe("failed");
    const logs = await api.logs(js.metadata.name);
    expect(logs.json["git-clone"]).toContain('unexpected key(s) "user.renku_token"');
  });

  it("git-clone without its sentry group exits 1 naming the field", async () => {
    const js = await launch(stack, {
      headers: dave,
      branch: "clone-no-sentry",
      mutate: editEnv("git-clone", without("GIT_CLONE_SENTRY__")),
    });
    expect((await api.get(js.metadata.name)).json.status.state).toBe("failed");
    const logs = await api.logs(js.metadata.name);
    expect(logs.json["git-clone"]).toContain("no sentry found in dataclass");
  });

  it("a sidecar without its sentry group crash-loops and the session never runs", async () => {
    const js = await launch(stack, {
      headers: dave,
      branch: "sidecar-no-sentry",
      mutate: editEnv("git-sidecar", without("GIT_RPC_SENTRY__")),
    });
    const r = await api.get(js.metadata.name);
    expect(r.json.status.state).toBe("failed");
    expect(r.json.status.message).toBe(
      "There are failures in 1 auxiliary server containers. Please restart your session as this may be an intermittent problem. If issues persist contact your administrator or the Renku team.",
    );
    expect(steps(r.json)["Auxiliary session services"]).toBe("failed");
    expect(steps(r.json)["Starting session"]).toBe("ready");
    const pod = await stack.deps.k8s.getStatefulSet(js.metadata.name);
    expect(pod?.status?.readyReplicas ?? 0).toBe(0);
    const logs = await api.logs(js.metadata.name);
    expect(logs.json["git-sidecar"]).toContain("no sentry found in dataclass");
  });

  it("a git proxy missing a required variable stops with Go's fatal message", async () => {
    const js = await launch(stack, {
      headers: dave,
      branch: "proxy-no-realm",
      mutate: editEnv("git-proxy", (env) => env.filter((e) => e.name !== "RENKU_REALM")),
    });
    const r = await api.get(js.metadata.name);
    expect(r.json.status.state).toBe("failed");
    expect(steps(r.json)["Git credentials services"]).toBe("failed");
    const logs = await api.logs(js.metadata.name);
    expect(logs.json["git-proxy"]).toContain(
      "Cannot find required 'RENKU_REALM' environment variable",
    );
  });
});

describe("the sessions the service builds", () => {
  it("reach running, for registered and anonymous users", async () => {
    const reg = await launch(stack, { headers: dave, branch: "fine" });
    expect((await api.get(reg.metadata.name)).json.status.state).toBe("running");
    const anonymous = anonHeaders("anon-contracts1");
    const anon = await launch(stack, { headers: anonymous, branch: "fine" });
    const r = await sessionsApi(anonymous).get(anon.metadata.name);
    expect(r.json.status.state).toBe("running");
  });
});

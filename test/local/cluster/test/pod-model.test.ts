import { describe, expect, it } from "vitest";
import { type Fault, faultOf, UNSCHEDULABLE_MESSAGE } from "../amalthea/faults.js";
import { PodModel } from "../amalthea/pod-model.js";
import type { KObject } from "../types.js";

const spec = {
  initContainers: [
    { name: "init-certificates", image: "certs:1" },
    { name: "git-clone", image: "clone:1" },
  ],
  containers: [
    { name: "jupyter-server", image: "py:1" },
    { name: "oauth2-proxy", image: "proxy:1" },
  ],
};

function run(fault?: Fault) {
  const pod = new PodModel("s-0", "renku", spec, fault, () => "2026-01-01T00:00:00Z");
  const seen: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 100 && pod.step(); i++) seen.push(pod.status());
  return { pod, seen };
}

const container = (pod: PodModel, name: string) => pod.containers.find((c) => c.name === name);

describe("simulated kubelet", () => {
  it("keeps each container's spec from the pod template (command, args, env, mounts)", () => {
    const withEnv = {
      ...spec,
      containers: [
        {
          name: "jupyter-server",
          image: "py:1",
          args: ["jupyter", "notebook"],
          env: [{ name: "A", value: "1" }],
        },
        { name: "oauth2-proxy", image: "proxy:1", volumeMounts: [{ name: "v", mountPath: "/v" }] },
      ],
      volumes: [{ name: "v", emptyDir: {} }],
    };
    const pod = new PodModel("s-0", "renku", withEnv, undefined, () => "2026-01-01T00:00:00Z");
    expect(pod.spec).toBe(withEnv);
    expect(container(pod, "jupyter-server")?.spec).toEqual(withEnv.containers[0]);
    expect(container(pod, "oauth2-proxy")?.spec.volumeMounts).toEqual([
      { name: "v", mountPath: "/v" },
    ]);
    expect(container(pod, "git-clone")?.spec).toEqual({ name: "git-clone", image: "clone:1" });
  });

  it("goes through init containers one by one, then starts, then becomes ready", () => {
    const { pod, seen } = run();
    const reasons = seen.map((s) => {
      const cs = (s.containerStatuses ?? []) as Array<{ state: { waiting?: { reason: string } } }>;
      return cs[0]?.state.waiting?.reason ?? "";
    });
    expect(reasons).toContain("PodInitializing");
    expect(reasons).toContain("ContainerCreating");
    expect(pod.phase()).toBe("Running");
    for (const c of pod.containers) expect(pod.stepStatus(c)).toBe("ready");
    const conditions = pod.status().conditions as Array<{ type: string; status: string }>;
    expect(conditions.map((c) => c.status)).toEqual(["True", "True", "True", "True", "True"]);
  });

  it("missing command: exit 127, restarts past the limit, then failed", () => {
    const { pod } = run({ kind: "missing-command" });
    const c = container(pod, "jupyter-server");
    expect(c?.restartCount).toBe(4);
    expect(c?.lastState).toMatchObject({ terminated: { exitCode: 127, reason: "Error" } });
    expect(c?.state).toMatchObject({ waiting: { reason: "CrashLoopBackOff" } });
    expect(pod.stepStatus(c as NonNullable<typeof c>)).toBe("failed");
  });

  it("clone failure: git-clone exits with the scripted code and the pod stays initialising", () => {
    const { pod } = run({ kind: "clone", exitCode: 204 });
    const c = container(pod, "git-clone");
    expect(c?.lastState).toMatchObject({ terminated: { exitCode: 204 } });
    expect(c?.restartCount).toBe(2);
    expect(pod.stepStatus(c as NonNullable<typeof c>)).toBe("failed");
    expect(pod.phase()).toBe("Pending");
    expect(
      pod.stepStatus(container(pod, "jupyter-server") as NonNullable<ReturnType<typeof container>>),
    ).toBe("waiting");
  });

  it("crash loop: the server runs, exits 1, restarts until it gives up", () => {
    const { pod } = run({ kind: "crashloop" });
    const c = container(pod, "jupyter-server");
    expect(c?.lastState).toMatchObject({ terminated: { exitCode: 1 } });
    expect(c?.previousLogs.map((l) => l.text)).toContain(
      "ModuleNotFoundError: No module named 'jupyter_server'",
    );
    expect(pod.phase()).toBe("Running");
  });

  it("unschedulable: PodScheduled False with the scheduler's message, nothing else happens", () => {
    const { pod, seen } = run({ kind: "unschedulable" });
    expect(seen).toHaveLength(1);
    expect(pod.status()).toMatchObject({
      phase: "Pending",
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: UNSCHEDULABLE_MESSAGE,
        },
      ],
    });
  });
});

describe("fault selection", () => {
  const cr = (annotations: Record<string, string>, image: string) =>
    ({ metadata: { annotations }, spec: { jupyterServer: { image } } }) as unknown as KObject;
  it("reads the annotation first, then the image name", () => {
    expect(faultOf(cr({ "local.renku.io/fault": "clone-203" }, "x"))).toEqual({
      kind: "clone",
      exitCode: 203,
    });
    expect(faultOf(cr({}, "registry/crashloop-image:1"))).toEqual({ kind: "crashloop" });
    expect(faultOf(cr({}, "renku/py:1"))).toBeUndefined();
  });
});

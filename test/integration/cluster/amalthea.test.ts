/** The simulated Amalthea, observed the way the service observes it: through client-node. */
import { PatchStrategy, setHeaderOptions, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { QUOTA_EXCEEDED_MESSAGE, UNSCHEDULABLE_MESSAGE } from "../../local/cluster/index.js";
import { type Clients, failure, JS, jupyterServer, startWithClients } from "./clients.js";

const ns = "renku";
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

interface CrStatus {
  state?: string;
  message?: string;
  startingSince?: string;
  failedSince?: string | null;
  containerStates?: { init: Record<string, string>; regular: Record<string, string> };
  mainPod?: {
    name?: string;
    uid?: string;
    kind?: string;
    status?: V1Pod["status"];
    resourceUsage?: {
      cpuMillicores: number;
      memoryBytes: number;
      disk: { usedBytes: number; totalBytes: number };
    };
  };
  children?: Record<string, { name: string; kind: string; uid: string }>;
  events?: { statefulset?: { message?: string } };
  create_fn?: { fullServerURL: string; createdResources: Record<string, string> };
}
interface Cr {
  metadata: {
    name: string;
    uid: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
  status: CrStatus;
}

async function getCr(c: Clients, name: string): Promise<Cr> {
  return (await c.custom.getNamespacedCustomObject({ ...JS, namespace: ns, name })) as Cr;
}

describe("a session's life, step by step (manual timing)", () => {
  let c: Clients;
  beforeAll(async () => {
    c = await startWithClients({ timing: "manual" });
  });
  afterAll(async () => {
    await c.cluster.stop();
  });

  it("creates children, starts the pod through realistic states, and reaches running", async () => {
    await c.custom.createNamespacedCustomObject({
      ...JS,
      namespace: ns,
      body: jupyterServer("life-1"),
    });
    expect((await getCr(c, "life-1")).status.state).toBeUndefined();

    await c.cluster.amalthea.advance(ns, "life-1");
    const started = await getCr(c, "life-1");
    expect(started.status.state).toBe("starting");
    expect(started.status.startingSince).toBeDefined();
    expect(started.metadata.finalizers).toContain("kopf.zalando.org/KopfFinalizerMarker");
    expect(started.metadata.annotations?.["renku.io/lastActivityDate"]).toBeDefined();
    expect(started.status.create_fn?.fullServerURL).toBe("https://renku.example/sessions/life-1");
    expect(Object.keys(started.status.create_fn?.createdResources ?? {}).sort()).toEqual([
      "configmap",
      "ingress",
      "pvc",
      "secret",
      "service",
      "statefulset",
    ]);

    const sts = await c.apps.readNamespacedStatefulSet({ name: "life-1", namespace: ns });
    expect(sts.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "JupyterServer",
      name: "life-1",
      uid: started.metadata.uid,
    });
    expect(sts.metadata?.labels).toMatchObject({
      "amalthea.dev/parent-name": "life-1",
      "amalthea.dev/child-key": "statefulset",
      "renku.io/safe-username": "alice",
    });
    expect(sts.spec?.template.spec?.initContainers?.map((x) => x.name)).toEqual([
      "init-certificates",
      "download-image",
      "git-clone",
    ]);
    await c.core.readNamespacedPersistentVolumeClaim({ name: "life-1", namespace: ns });

    const states = new Set<string>();
    const podReasons = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await c.cluster.amalthea.advance(ns, "life-1");
      const cr = await getCr(c, "life-1");
      states.add(cr.status.state ?? "");
      for (const v of Object.values(cr.status.containerStates?.regular ?? {}))
        states.add(`regular:${v}`);
      for (const v of Object.values(cr.status.containerStates?.init ?? {})) states.add(`init:${v}`);
      const pod = cr.status.mainPod?.status;
      for (const cs of [...(pod?.initContainerStatuses ?? []), ...(pod?.containerStatuses ?? [])])
        if (cs.state?.waiting?.reason) podReasons.add(cs.state.waiting.reason);
      if (cr.status.state === "running") break;
    }
    expect(states).toContain("starting");
    expect(states).toContain("running");
    expect(states).toContain("init:executing");
    expect(states).toContain("regular:waiting");
    expect(states).toContain("regular:executing");
    expect(podReasons).toContain("PodInitializing");
    expect(podReasons).toContain("ContainerCreating");

    const running = await getCr(c, "life-1");
    expect(running.status.containerStates).toEqual({
      init: { "init-certificates": "ready", "download-image": "ready", "git-clone": "ready" },
      regular: {
        "jupyter-server": "ready",
        "oauth2-proxy": "ready",
        "git-proxy": "ready",
        "git-sidecar": "ready",
      },
    });
    expect(running.status.mainPod).toMatchObject({
      name: "life-1-0",
      kind: "Pod",
      apiVersion: "v1",
    });
    expect(running.status.mainPod?.resourceUsage?.disk.totalBytes).toBe(1000000000);
    expect(running.status.failedSince).toBeNull();

    const pod = await c.core.readNamespacedPod({ name: "life-1-0", namespace: ns });
    expect(pod.status?.phase).toBe("Running");
    expect(pod.status?.conditions?.every((x) => x.status === "True")).toBe(true);
    expect(pod.status?.containerStatuses?.every((x) => x.ready && x.state?.running)).toBe(true);
    expect(
      pod.status?.initContainerStatuses?.every((x) => x.state?.terminated?.exitCode === 0),
    ).toBe(true);
    expect(pod.metadata?.labels?.["amalthea.dev/main-pod"]).toBe("true");
    expect(pod.spec?.nodeName).toBe("local-node-1");
    const onNode = await c.core.listNamespacedPod({
      namespace: ns,
      fieldSelector: "spec.nodeName=local-node-1,status.phase=Running",
    });
    expect(onNode.items.map((p) => p.metadata?.name)).toContain("life-1-0");
    const stsAfter = await c.apps.readNamespacedStatefulSet({ name: "life-1", namespace: ns });
    expect(stsAfter.status?.readyReplicas).toBe(1);
  });

  it("returns container logs with tailLines and timestamps, and the kubelet's 400s", async () => {
    const all = await c.core.readNamespacedPodLog({
      name: "life-1-0",
      namespace: ns,
      container: "jupyter-server",
    });
    expect(all).toContain("Jupyter Server is running at");
    const last = await c.core.readNamespacedPodLog({
      name: "life-1-0",
      namespace: ns,
      container: "jupyter-server",
      tailLines: 1,
      timestamps: true,
    });
    expect(last.trim().split("\n")).toHaveLength(1);
    expect(last).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \[I ServerApp\] Jupyter Server is running at/,
    );
    const clone = await c.core.readNamespacedPodLog({
      name: "life-1-0",
      namespace: ns,
      container: "git-clone",
    });
    expect(clone).toContain("Repository cloned.");

    const noContainer = await failure(
      c.core.readNamespacedPodLog({ name: "life-1-0", namespace: ns }),
    );
    expect(noContainer.code).toBe(400);
    expect(noContainer.status.message).toBe(
      "a container name must be specified for pod life-1-0, choose one of: [jupyter-server oauth2-proxy git-proxy git-sidecar] or one of the init containers: [init-certificates download-image git-clone]",
    );
    const unknown = await failure(
      c.core.readNamespacedPodLog({ name: "life-1-0", namespace: ns, container: "nope" }),
    );
    expect(unknown.status.message).toBe("container nope is not valid for pod life-1-0");
    const missing = await failure(
      c.core.readNamespacedPodLog({ name: "ghost-0", namespace: ns, container: "x" }),
    );
    expect(missing.code).toBe(404);
  });

  it("answers 400 for logs of a container still waiting", async () => {
    await c.custom.createNamespacedCustomObject({
      ...JS,
      namespace: ns,
      body: jupyterServer("wait-1"),
    });
    for (let i = 0; i < 3; i++) await c.cluster.amalthea.advance(ns, "wait-1");
    const { code, status } = await failure(
      c.core.readNamespacedPodLog({ name: "wait-1-0", namespace: ns, container: "jupyter-server" }),
    );
    expect(code).toBe(400);
    expect(status.message).toBe(
      'container "jupyter-server" in pod "wait-1-0" is waiting to start: PodInitializing',
    );
  });

  it("hibernates to zero replicas and resumes", async () => {
    await c.custom.patchNamespacedCustomObject(
      {
        ...JS,
        namespace: ns,
        name: "life-1",
        body: {
          metadata: {
            annotations: {
              "renku.io/hibernation": '{"branch":"main"}',
              "renku.io/hibernationDate": "2026-01-01T00:00:00Z",
            },
          },
          spec: { jupyterServer: { hibernated: true } },
        },
      },
      merge,
    );
    await c.cluster.amalthea.settle();
    const hib = await getCr(c, "life-1");
    expect(hib.status.state).toBe("hibernated");
    expect(
      Object.values(hib.status.containerStates?.regular ?? {}).every((s) => s === "waiting"),
    ).toBe(true);
    expect(
      (await c.apps.readNamespacedStatefulSet({ name: "life-1", namespace: ns })).spec?.replicas,
    ).toBe(0);
    expect(
      (await failure(c.core.readNamespacedPod({ name: "life-1-0", namespace: ns }))).code,
    ).toBe(404);
    await c.core.readNamespacedPersistentVolumeClaim({ name: "life-1", namespace: ns }); // the volume stays

    await c.custom.patchNamespacedCustomObject(
      {
        ...JS,
        namespace: ns,
        name: "life-1",
        body: { spec: { jupyterServer: { hibernated: false } } },
      },
      merge,
    );
    await c.cluster.amalthea.advance(ns, "life-1");
    const resuming = await getCr(c, "life-1");
    expect(resuming.status.state).toBe("starting");
    expect(
      Object.keys(resuming.metadata.annotations ?? {}).filter((k) =>
        k.startsWith("renku.io/hibernation"),
      ),
    ).toEqual([]);
    await c.cluster.amalthea.settle();
    expect((await getCr(c, "life-1")).status.state).toBe("running");
    expect(
      (await c.core.readNamespacedPod({ name: "life-1-0", namespace: ns })).status?.phase,
    ).toBe("Running");
  });

  it("re-rolls the pod when resources change", async () => {
    const resources = { requests: { cpu: 2, memory: 2000000000 }, limits: { memory: 2000000000 } };
    await c.custom.patchNamespacedCustomObject({
      ...JS,
      namespace: ns,
      name: "life-1",
      body: [{ op: "replace", path: "/spec/jupyterServer/resources", value: resources }],
    });
    await c.cluster.amalthea.advance(ns, "life-1");
    expect((await getCr(c, "life-1")).status.state).toBe("starting");
    await c.cluster.amalthea.settle();
    const sts = await c.apps.readNamespacedStatefulSet({ name: "life-1", namespace: ns });
    expect(sts.spec?.template.spec?.containers[0]?.resources).toEqual(resources);
    expect((await getCr(c, "life-1")).status.state).toBe("running");
  });

  it("deletes through stopping, then the CR and all its children go", async () => {
    const before = await getCr(c, "life-1");
    await c.custom.deleteNamespacedCustomObject({
      ...JS,
      namespace: ns,
      name: "life-1",
      propagationPolicy: "Foreground",
      gracePeriodSeconds: 0,
    });
    const deleting = await getCr(c, "life-1");
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    await c.cluster.amalthea.advance(ns, "life-1");
    expect((await getCr(c, "life-1")).status.state).toBe("stopping");
    await c.cluster.amalthea.settle();
    expect((await failure(getCr(c, "life-1"))).code).toBe(404);
    const left = await Promise.all([
      c.apps.listNamespacedStatefulSet({
        namespace: ns,
        labelSelector: `amalthea.dev/parent-uid=${before.metadata.uid}`,
      }),
      c.core.listNamespacedPod({ namespace: ns, labelSelector: "amalthea.dev/parent-name=life-1" }),
      c.core.listNamespacedSecret({
        namespace: ns,
        labelSelector: "amalthea.dev/parent-name=life-1",
      }),
      c.core.listNamespacedConfigMap({
        namespace: ns,
        labelSelector: "amalthea.dev/parent-name=life-1",
      }),
      c.core.listNamespacedPersistentVolumeClaim({
        namespace: ns,
        labelSelector: "amalthea.dev/parent-name=life-1",
      }),
      c.core.listNamespacedService({
        namespace: ns,
        labelSelector: "amalthea.dev/parent-name=life-1",
      }),
    ]);
    expect(left.map((l) => l.items.length)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe("scripted faults (instant timing)", () => {
  let c: Clients;
  beforeAll(async () => {
    c = await startWithClients({ timing: "instant" });
  });
  afterAll(async () => {
    await c.cluster.stop();
  });

  const launch = async (name: string, opts: Parameters<typeof jupyterServer>[1] = {}) => {
    await c.custom.createNamespacedCustomObject({
      ...JS,
      namespace: ns,
      body: jupyterServer(name, opts),
    });
    return getCr(c, name);
  };

  it("runs a healthy session straight to running", async () => {
    expect((await launch("ok-1")).status.state).toBe("running");
  });

  it("missing command: jupyter-server exits 127 and the session fails", async () => {
    const cr = await launch("f-127", { image: "renku/missing-command:1" });
    expect(cr.status.state).toBe("failed");
    expect(cr.status.failedSince).toBeTruthy();
    expect(cr.status.containerStates?.regular["jupyter-server"]).toBe("failed");
    const cs = cr.status.mainPod?.status?.containerStatuses?.find(
      (x) => x.name === "jupyter-server",
    );
    expect(cs?.lastState?.terminated?.exitCode).toBe(127);
    expect(cs?.restartCount).toBeGreaterThan(3);
    expect(cs?.state?.waiting?.reason).toBe("CrashLoopBackOff");
    const logs = await c.core.readNamespacedPodLog({
      name: "f-127-0",
      namespace: ns,
      container: "jupyter-server",
    });
    expect(logs).toContain("jupyter: command not found");
  });

  it("unschedulable: the scheduler's message on the pod, the session failed", async () => {
    const cr = await launch("f-sched", {
      annotations: { "local.renku.io/fault": "unschedulable" },
    });
    expect(cr.status.state).toBe("failed");
    const cond = cr.status.mainPod?.status?.conditions?.find((x) => x.type === "PodScheduled");
    expect(cond).toMatchObject({
      status: "False",
      reason: "Unschedulable",
      message: UNSCHEDULABLE_MESSAGE,
    });
    expect(cr.status.mainPod?.status?.phase).toBe("Pending");
    const events = await c.core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: "involvedObject.name=f-sched-0,involvedObject.kind=Pod",
    });
    expect(events.items.map((e) => [e.reason, e.message])).toContainEqual([
      "FailedScheduling",
      UNSCHEDULABLE_MESSAGE,
    ]);
  });

  it("quota exceeded: no pod, a FailedCreate event on the StatefulSet, the operator's message", async () => {
    const cr = await launch("f-quota", { annotations: { "local.renku.io/fault": "quota" } });
    expect(cr.status.state).toBe("failed");
    expect(cr.status.events?.statefulset?.message).toBe(QUOTA_EXCEEDED_MESSAGE);
    expect(
      (await failure(c.core.readNamespacedPod({ name: "f-quota-0", namespace: ns }))).code,
    ).toBe(404);
    const events = await c.core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: "involvedObject.kind=StatefulSet,involvedObject.name=f-quota",
    });
    const failed = events.items.find((e) => e.reason === "FailedCreate");
    expect(failed?.type).toBe("Warning");
    expect(failed?.message).toContain("exceeded quota");
  });

  it.each([201, 202, 203, 204, 205])(
    "git clone exits %i: init container failed, session failed",
    async (code) => {
      const name = `f-clone-${code}`;
      const cr = await launch(name, { annotations: { "local.renku.io/fault": `clone-${code}` } });
      expect(cr.status.state).toBe("failed");
      expect(cr.status.containerStates?.init["git-clone"]).toBe("failed");
      const clone = cr.status.mainPod?.status?.initContainerStatuses?.find(
        (x) => x.name === "git-clone",
      );
      expect(clone?.lastState?.terminated?.exitCode).toBe(code);
      expect(cr.status.containerStates?.regular["jupyter-server"]).toBe("waiting");
      const prev = await c.core.readNamespacedPodLog({
        name: `${name}-0`,
        namespace: ns,
        container: "git-clone",
        previous: true,
      });
      expect(prev.length).toBeGreaterThan(0);
    },
  );

  it("crash loop: restarts past the limit with exit 1", async () => {
    const cr = await launch("f-crash", { image: "renku/crashloop:1" });
    expect(cr.status.state).toBe("failed");
    const cs = cr.status.mainPod?.status?.containerStatuses?.find(
      (x) => x.name === "jupyter-server",
    );
    expect(cs?.lastState?.terminated?.exitCode).toBe(1);
    expect(cs?.restartCount).toBe(4);
  });

  it("a failed `test` patch fails the session like the operator's create handler", async () => {
    // Anonymous template (passthrough-proxy) but a registered user's test for oauth2-proxy.
    const body = jupyterServer("f-test", {
      registered: false,
      patches: [
        {
          op: "test",
          path: "/statefulset/spec/template/spec/containers/1/name",
          value: "oauth2-proxy",
        },
      ],
    });
    await c.custom.createNamespacedCustomObject({ ...JS, namespace: ns, body });
    const cr = await getCr(c, "f-test");
    expect(cr.status.state).toBe("failed");
    expect(cr.status.message).toContain("test failed");
    expect(
      (await failure(c.apps.readNamespacedStatefulSet({ name: "f-test", namespace: ns }))).code,
    ).toBe(404);
  });

  it("renders Amalthea 0.24's own templates: oauth2-proxy with the jupyter upstream at args[6]", async () => {
    await launch("tpl-reg");
    const sts = await c.apps.readNamespacedStatefulSet({ name: "tpl-reg", namespace: ns });
    const proxy = sts.spec?.template.spec?.containers[1];
    expect(proxy?.name).toBe("oauth2-proxy");
    expect(proxy?.image).toBe("harbor.renkulab.io/bitnami-mirror/oauth2-proxy:7.6.0");
    expect(proxy?.args).toHaveLength(13);
    expect(proxy?.args?.[6]).toBe("--upstream=http://127.0.0.1:8888");
    expect(proxy?.args).toContain(
      "--redirect-url=https://renku.example/sessions/tpl-reg/oauth2/callback",
    );
    expect(proxy?.args).toContain("--skip-auth-route=^/sessions/tpl-reg/api/status$");
    const jupyter = sts.spec?.template.spec?.containers[0];
    expect(jupyter?.startupProbe?.httpGet?.path).toBe("/sessions/tpl-reg/api/status");
    expect(sts.spec?.template.spec?.volumes?.map((v) => v.name)).toEqual([
      "oauth2-proxy-config",
      "jupyter-server-secrets",
      "jupyter-config-notebook",
      "jupyter-config-server",
      "jupyter-config",
      "workspace",
    ]);
    const cm = await c.core.readNamespacedConfigMap({ name: "tpl-reg", namespace: ns });
    expect(cm.data?.["jupyter_server_config.py"]).toContain(
      'c.ServerApp.base_url="/sessions/tpl-reg"',
    );
    expect(cm.data?.["authorized-users.txt"]?.trim()).toBe("alice@example.com");
    const secret = await c.core.readNamespacedSecret({ name: "tpl-reg", namespace: ns });
    expect(Buffer.from(secret.data?.oidcClientSecret ?? "", "base64").toString()).toBe("s3cret");
    // The pod is made from the rendered template: its containers carry the template's env.
    const pod = await c.core.readNamespacedPod({ name: "tpl-reg-0", namespace: ns });
    expect(pod.spec?.containers[0]?.env?.map((e) => e.name)).toEqual([
      "SERVER_APP_TOKEN",
      "JUPYTER_CONFIG_PATH",
    ]);
    expect(pod.spec?.containers[1]?.args).toEqual(proxy?.args);
  });

  it("anonymous: the traefik passthrough-proxy with three args, the token in the probes", async () => {
    await launch("tpl-anon", { registered: false });
    const sts = await c.apps.readNamespacedStatefulSet({ name: "tpl-anon", namespace: ns });
    const proxy = sts.spec?.template.spec?.containers[1];
    expect(proxy?.name).toBe("passthrough-proxy");
    expect(proxy?.args).toEqual([
      "--entryPoints.web.address=:4180",
      "--providers.file.directory=/traefik",
      "--ping.entryPoint=web",
    ]);
    expect(sts.spec?.template.spec?.containers[0]?.readinessProbe?.httpGet?.httpHeaders).toEqual([
      { name: "Authorization", value: "token anon-token" },
    ]);
    const secret = await c.core.readNamespacedSecret({ name: "tpl-anon", namespace: ns });
    expect(Buffer.from(secret.data?.jupyterServerAppToken ?? "", "base64").toString()).toBe(
      "anon-token",
    );
    expect((await getCr(c, "tpl-anon")).status.state).toBe("running");
  });

  it("replacing args/6 of the oauth2-proxy succeeds, as the reference's git-sidecar patch does", async () => {
    const upstream = "--upstream=http://127.0.0.1:8888/sessions/tpl-six/";
    const cr = await launch("tpl-six", {
      patches: [
        {
          op: "replace",
          path: "/statefulset/spec/template/spec/containers/1/args/6",
          value: upstream,
        },
      ],
    });
    expect(cr.status.state).toBe("running");
    const pod = await c.core.readNamespacedPod({ name: "tpl-six-0", namespace: ns });
    expect(pod.spec?.containers[1]?.args?.[6]).toBe(upstream);
    expect(pod.spec?.containers[1]?.args).not.toContain("--upstream=http://127.0.0.1:8888");
  });

  it("a json patch against an index the template lacks fails the session, visibly", async () => {
    // The passthrough-proxy has three args: there is no args/6 to replace.
    const cr = await launch("tpl-bad", {
      registered: false,
      patches: [
        {
          op: "replace",
          path: "/statefulset/spec/template/spec/containers/1/args/6",
          value: "--upstream=http://127.0.0.1:8888/sessions/tpl-bad/",
        },
      ],
    });
    expect(cr.status.state).toBe("failed");
    expect(cr.status.message).toMatch(/^Handler 'create_fn' failed permanently: patch 0 /);
    expect(cr.status.message).toContain("containers/1/args/6");
    expect(
      (await failure(c.apps.readNamespacedStatefulSet({ name: "tpl-bad", namespace: ns }))).code,
    ).toBe(404);
    const events = await c.core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: "involvedObject.name=tpl-bad,type=Warning",
    });
    expect(events.items.map((e) => e.message).join("\n")).toContain("containers/1/args/6");
  });

  it("merge patches apply to the children dict", async () => {
    const body = jupyterServer("tpl-merge");
    (body.spec.patches as unknown[]).push({
      type: "application/merge-patch+json",
      patch: { service: { metadata: { annotations: { "x/y": "z" } } } },
    });
    await c.custom.createNamespacedCustomObject({ ...JS, namespace: ns, body });
    expect((await getCr(c, "tpl-merge")).status.state).toBe("running");
    const svc = await c.core.readNamespacedService({ name: "tpl-merge", namespace: ns });
    expect(svc.metadata?.annotations?.["x/y"]).toBe("z");
  });

  it("patches can add extra children, which go with the session", async () => {
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "x-1-image-secret" },
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": Buffer.from('{"auths":{}}').toString("base64") },
    };
    await launch("x-1", {
      patches: [
        { op: "add", path: "/image_pull_secret", value: secret },
        {
          op: "add",
          path: "/statefulset/spec/template/spec/imagePullSecrets/-",
          value: { name: "x-1-image-secret" },
        },
      ],
    });
    const s = await c.core.readNamespacedSecret({ name: "x-1-image-secret", namespace: ns });
    expect(s.metadata?.ownerReferences?.[0]?.name).toBe("x-1");
    const pod = await c.core.readNamespacedPod({ name: "x-1-0", namespace: ns });
    expect(pod.spec?.imagePullSecrets).toEqual([{ name: "x-1-image-secret" }]);
    await c.custom.deleteNamespacedCustomObject({
      ...JS,
      namespace: ns,
      name: "x-1",
      propagationPolicy: "Foreground",
    });
    expect(
      (await failure(c.core.readNamespacedSecret({ name: "x-1-image-secret", namespace: ns })))
        .code,
    ).toBe(404);
    expect((await failure(getCr(c, "x-1"))).code).toBe(404);
  });
});

describe("demo timing", () => {
  it("moves on by itself, one step per tick", async () => {
    const c = await startWithClients({ timing: { stepMs: 5 } });
    try {
      await c.custom.createNamespacedCustomObject({
        ...JS,
        namespace: ns,
        body: jupyterServer("tick-1"),
      });
      await vi.waitFor(
        async () => expect((await getCr(c, "tick-1")).status.state).toBe("running"),
        { timeout: 60_000, interval: 20 },
      );
    } finally {
      await c.cluster.stop();
    }
  });
});

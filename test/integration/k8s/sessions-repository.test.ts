/**
 * The sessions repository over the real @kubernetes/client-node against the local cluster, reached
 * through a kubeconfig file exactly as `npm start` and serverless-offline reach it.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { configMapLedgerStore } from "../../../lib/adapters/ledger-store.js";
import { configMapSlotStore } from "../../../lib/adapters/quota-store.js";
import { REFUSAL_EVENTS } from "../../../lib/backends/pod/refusal.js";
import { referenceOf } from "../../../lib/backends/pod/view.js";
import { AMALTHEA_SESSIONS } from "../../../lib/backends/select.js";
import { loadConfig } from "../../../lib/config/load.js";
import { AppError } from "../../../lib/errors.js";
import { ConflictError } from "../../../lib/k8s/api-errors.js";
import { clusterAccess } from "../../../lib/k8s/cluster.js";
import {
  createNamespaceClient,
  type KubeObject,
  type NamespaceClient,
} from "../../../lib/k8s/namespace-client.js";
import { createLogger } from "../../../lib/obs/log.js";
import type { Slot } from "../../../lib/quotas/reserve.js";
import { warmAmaltheaSessionSchema } from "../../helpers/stack.js";
import { type LocalCluster, startLocalCluster } from "../../local/cluster/index.js";
import { deniedRequests, loadRbac, unusedGrants } from "./rbac.js";

interface Server extends KubeObject {
  metadata: {
    name: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec: Record<string, unknown>;
}

const BASE = { NB_STAGE: "local", NB_SESSIONS__INGRESS__HOST: "sessions.example.org" };
let cluster: LocalCluster;
let repo: NamespaceClient<Server>;
let config: ReturnType<typeof loadConfig>;
let kubeconfig: string;
const logs: string[] = [];
const log = createLogger(
  "debug",
  new Writable({
    write(chunk, _e, cb) {
      logs.push(String(chunk));
      cb();
    },
  }),
);

function manifest(name: string, user = "alice", extra: Record<string, unknown> = {}): Server {
  return {
    apiVersion: "amalthea.dev/v1alpha1",
    kind: "JupyterServer",
    metadata: {
      name,
      labels: { "renku.io/safe-username": user, "app.kubernetes.io/name": "JupyterServer" },
      annotations: { "renku.io/branch": "main" },
    },
    spec: {
      auth: { token: "", oidc: { enabled: false } },
      jupyterServer: { image: "renku/singleuser:latest", defaultUrl: "/lab" },
      routing: { host: "sessions.example.org", path: `/sessions/${name}` },
      storage: { size: "1G", pvc: { enabled: false } },
      ...extra,
    },
  };
}

async function appErrorOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

function repoFor(env: Record<string, string>) {
  const cfg = loadConfig({ ...BASE, ...env });
  return createNamespaceClient<Server>({ access: clusterAccess(cfg.k8s), config: cfg, log });
}

beforeAll(async () => {
  cluster = await startLocalCluster();
  kubeconfig = join(mkdtempSync(join(tmpdir(), "nb-k8s-")), "kubeconfig.yaml");
  await cluster.writeKubeconfig(kubeconfig);
  // A timeout no load reaches; the stalled-request test sets its own short one.
  config = loadConfig({ ...BASE, KUBECONFIG: kubeconfig, NB_UPSTREAM_TIMEOUT_MS: "600000" });
  repo = createNamespaceClient<Server>({ access: clusterAccess(config.k8s), config, log });
  // Compiled on first use: warmed here, as a real API server does when the CRD is installed.
  await warmAmaltheaSessionSchema(cluster);
});

afterAll(async () => {
  await cluster?.stop();
});

beforeEach(() => {
  cluster.faults.clear();
});

describe("JupyterServers", () => {
  it("creates a server and reports an existing one as AlreadyExists with its state", async () => {
    const first = await repo.create(manifest("create-once"));
    expect(first.created).toBe(true);
    if (first.created) expect(first.server.metadata.name).toBe("create-once");

    const again = await repo.create(manifest("create-once"));
    expect(again).toMatchObject({ created: false, reason: "AlreadyExists" });
    if (!again.created) expect(again.existing?.metadata.name).toBe("create-once");
  });

  it("creates exactly one server when identical creates race", async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => repo.create(manifest("racing"))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.filter((r) => !r.created)).toHaveLength(4);
  });

  it("lists only the servers labelled with the user's safe username", async () => {
    await repo.create(manifest("bob-1", "bob"));
    await repo.create(manifest("bob-2", "bob"));
    await repo.create(manifest("carol-1", "carol"));
    const bobs = await repo.listForUser("bob");
    expect(bobs.map((s) => s.metadata.name).sort()).toEqual(["bob-1", "bob-2"]);
    expect(await repo.listForUser("nobody")).toEqual([]);
  });

  it("gets a server, and undefined for a missing one", async () => {
    await repo.create(manifest("getme"));
    expect((await repo.get("getme"))?.spec).toMatchObject({
      jupyterServer: { image: "renku/singleuser:latest" },
    });
    expect(await repo.get("missing")).toBeUndefined();
  });

  it("merge-patches annotations (sent as application/merge-patch+json)", async () => {
    await repo.create(manifest("merge"));
    const patched = await repo.patchMerge("merge", {
      metadata: { annotations: { "renku.io/hibernation": "{}", "renku.io/branch": null } },
      spec: { jupyterServer: { hibernated: true } },
    });
    expect(patched?.metadata.annotations?.["renku.io/hibernation"]).toBe("{}");
    expect(patched?.metadata.annotations).not.toHaveProperty("renku.io/branch");
    expect(patched?.spec).toMatchObject({
      jupyterServer: { hibernated: true, image: "renku/singleuser:latest" },
    });
  });

  it("json-patches a server, and answers undefined for a missing one", async () => {
    await repo.create(manifest("jsonpatch"));
    const patched = await repo.patchJson("jsonpatch", [
      { op: "add", path: "/metadata/annotations/renku.io~1quota", value: "gold" },
      { op: "replace", path: "/spec/jupyterServer/image", value: "renku/other:1" },
    ]);
    expect(patched?.metadata.annotations?.["renku.io/quota"]).toBe("gold");
    expect(patched?.spec).toMatchObject({ jupyterServer: { image: "renku/other:1" } });
    expect(await repo.patchJson("nope", [{ op: "remove", path: "/x" }])).toBeUndefined();
    expect(await repo.patchMerge("nope", { metadata: {} })).toBeUndefined();
  });

  it("turns a manifest the CRD rejects into a 2000 bug with the field message in the log", async () => {
    const bad = manifest("invalid", "alice", { jupyterServer: { image: 42 } });
    const err = await appErrorOf(repo.create(bad));
    expect([err.status, err.code]).toEqual([500, 2000]);
    expect(err.message).not.toContain("image");
    expect(logs.join("")).toContain("spec.jupyterServer.image");
    expect(await repo.get("invalid")).toBeUndefined();
  });

  it("deletes with foreground propagation; the server then goes away, and a second delete is false", async () => {
    await repo.create(manifest("deleteme"));
    await cluster.amalthea.settle();
    expect(await repo.getPod("deleteme-0")).toBeDefined();
    expect(await repo.delete("deleteme")).toBe(true);
    const during = await repo.get("deleteme");
    expect(during === undefined || during.metadata.deletionTimestamp !== undefined).toBe(true);
    await cluster.amalthea.settle();
    expect(await repo.get("deleteme")).toBeUndefined();
    expect(await repo.getPod("deleteme-0")).toBeUndefined();
    expect(await repo.delete("deleteme")).toBe(false);
  });

  it("force-deletes with a zero grace period", async () => {
    await repo.create(manifest("forced"));
    await cluster.amalthea.settle();
    expect(await repo.delete("forced", { forced: true })).toBe(true);
    await cluster.amalthea.settle();
    expect(await repo.get("forced")).toBeUndefined();
    expect(await repo.delete("forced", { forced: true })).toBe(false);
  });
});

describe("the session's pod, logs, events and StatefulSet", () => {
  it("reads the pod and a started container's logs with timestamps", async () => {
    await repo.create(manifest("running"));
    await cluster.amalthea.settle();
    const pod = await repo.getPod("running-0");
    expect(pod?.metadata?.name).toBe("running-0");
    const started = pod?.status?.containerStatuses?.find((c) => c.state?.running)?.name;
    expect(started).toBeTypeOf("string");
    const text = await repo.readLogs("running-0", started as string, { tailLines: 5 });
    expect(text).toBeTypeOf("string");
    const lines = (text as string).split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
    // RFC 3339 timestamp first, as kubelet writes with timestamps=true.
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
  });

  it("answers undefined for logs of a missing pod or an unknown container", async () => {
    expect(await repo.readLogs("ghost-0", "jupyter-server")).toBeUndefined();
    await repo.create(manifest("logs-bad-container"));
    await cluster.amalthea.settle();
    expect(await repo.readLogs("logs-bad-container-0", "no-such-container")).toBeUndefined();
  });

  it("lists events about an object", async () => {
    const events = await repo.listEvents("running-0");
    // The scheduler's and the kubelet's start of the pod (the API does not order them).
    expect(events.map((e) => e.reason).sort()).toEqual([
      "Created",
      "Created",
      "Pulled",
      "Pulled",
      "Pulling",
      "Scheduled",
      "Started",
      "Started",
    ]);
    expect(events.find((e) => e.reason === "Scheduled")?.message).toBe(
      "Successfully assigned renku/running-0 to local-node-1",
    );
    for (const e of events) expect(e.involvedObject.name).toBe("running-0");
    expect(await repo.listEvents("ghost-0")).toEqual([]);
  });

  it("lists many objects' StatefulSets by a label set, and the namespace's events by field selector", async () => {
    // Amalthea labels each child with its parent's name; a name with no StatefulSet is no error.
    const sets = await repo.listStatefulSets(
      "amalthea.dev/parent-name in (running,logs-bad-container,ghost)",
    );
    expect(sets.map((s) => s.metadata?.name).sort()).toEqual(["logs-bad-container", "running"]);
    const event = (name: string, kind: string, type: string, reason: string) => ({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: "renku" },
      involvedObject: { kind, name: "running", namespace: "renku" },
      type,
      reason,
      message: reason,
    });
    cluster.bulkLoad([
      event("sts-refused", "StatefulSet", "Warning", "FailedCreate"),
      event("pod-backoff", "Pod", "Warning", "BackOff"),
    ]);
    const found = await repo.listEventsMatching(REFUSAL_EVENTS);
    expect(found.map((e) => e.metadata?.name)).toContain("sts-refused");
    for (const e of found) {
      expect(e.type).not.toBe("Normal");
      expect(e.involvedObject.kind).not.toBe("Pod");
    }
    const onPods = await repo.listEventsMatching("type=Warning,involvedObject.kind=Pod");
    expect(onPods.map((e) => e.metadata?.name)).toEqual(["pod-backoff"]);
  });

  it("reads and json-patches the StatefulSet; a missing one is ignored", async () => {
    const sts = await repo.getStatefulSet("running");
    expect(sts?.spec?.replicas).toBe(1);
    const patched = await repo.patchStatefulSetJson("running", [
      { op: "add", path: "/spec/template/spec/priorityClassName", value: "gold" },
    ]);
    expect(patched?.spec?.template.spec?.priorityClassName).toBe("gold");
    expect(await repo.getStatefulSet("missing")).toBeUndefined();
    // A volume claim, read for its uid (a session's events are matched against it).
    cluster.bulkLoad([
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "claimed", namespace: "renku" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    ]);
    expect((await repo.getPersistentVolumeClaim("claimed"))?.metadata?.uid).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    expect(await repo.getPersistentVolumeClaim("missing")).toBeUndefined();
    expect(
      await repo.patchStatefulSetJson("missing", [{ op: "add", path: "/x", value: 1 }]),
    ).toBeUndefined();
  });
});

describe("secrets", () => {
  it("gets, replaces (guarded by resourceVersion) and deletes a secret", async () => {
    cluster.bulkLoad([
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "pull-secret", namespace: "renku" },
        type: "kubernetes.io/dockerconfigjson",
        data: { ".dockerconfigjson": Buffer.from('{"auths":{}}').toString("base64") },
      },
    ]);
    const secret = await repo.getSecret("pull-secret");
    expect(secret?.type).toBe("kubernetes.io/dockerconfigjson");
    const fresh = Buffer.from('{"auths":{"r":{"Password":"new"}}}').toString("base64");
    const replaced = await repo.replaceSecret("pull-secret", {
      ...secret,
      data: { ".dockerconfigjson": fresh },
    });
    expect(replaced?.data?.[".dockerconfigjson"]).toBe(fresh);

    // The first read's resourceVersion is stale now.
    await expect(
      repo.replaceSecret("pull-secret", { ...secret, data: { ".dockerconfigjson": "" } }),
    ).rejects.toBeInstanceOf(ConflictError);

    expect(await repo.deleteSecret("pull-secret")).toBe(true);
    expect(await repo.getSecret("pull-secret")).toBeUndefined();
    expect(await repo.deleteSecret("pull-secret")).toBe(false);
    expect(
      await repo.replaceSecret("pull-secret", { metadata: { name: "pull-secret" } }),
    ).toBeUndefined();
  });
});

describe("AmaltheaSessions: the same client for the other custom resource", () => {
  const ams = () => repo.forResource<Server>(AMALTHEA_SESSIONS);
  const session = (name: string, user = "alice"): Server => ({
    apiVersion: "amalthea.dev/v1alpha1",
    kind: "AmaltheaSession",
    metadata: { name, labels: { "renku.io/safe-username": user } },
    spec: {
      hibernated: false,
      session: { image: "renku/singleuser:latest", port: 8888 },
      template: { metadata: { labels: { "renku.io/safe-username": user } } },
    },
  });

  it("creates, lists by user, gets, patches and deletes AmaltheaSessions", async () => {
    expect((await ams().create(session("ams-1"))).created).toBe(true);
    expect((await ams().listForUser("alice")).map((s) => s.metadata.name)).toEqual(["ams-1"]);
    expect(await repo.get("ams-1")).toBeUndefined();
    expect((await ams().get("ams-1"))?.metadata.name).toBe("ams-1");
    expect((await ams().patchMerge("ams-1", { spec: { hibernated: true } }))?.spec).toMatchObject({
      hibernated: true,
    });
    expect(
      (await ams().patchJson("ams-1", [{ op: "replace", path: "/spec/hibernated", value: false }]))
        ?.spec,
    ).toMatchObject({ hibernated: false });
    expect(await ams().delete("ams-1", { forced: true })).toBe(true);
  });

  it("lists a user's pods by label, and creates or replaces a secret", async () => {
    await ams().create(session("ams-pods", "dora"));
    await cluster.amalthea.settle();
    const pods = await repo.listPods("renku.io/safe-username=dora");
    expect(pods.map((p) => p.metadata?.name)).toEqual(["ams-pods-0"]);
    const secret = { metadata: { name: "ams-auth" }, stringData: { auth: "one" } };
    expect(await repo.createSecret(secret)).toBe(true);
    expect(await repo.createSecret({ ...secret, stringData: { auth: "two" } })).toBe(false);
    expect(await repo.overwriteSecret({ ...secret, stringData: { auth: "two" } })).toBe(true);
    expect(await repo.overwriteSecret({ ...secret, metadata: { name: "nope" } })).toBe(false);
    const stored = await repo.getSecret("ams-auth");
    expect(Buffer.from(stored?.data?.auth ?? "", "base64").toString()).toBe("two");
  });
});

describe("the autosave ledger ConfigMap", () => {
  it("starts empty, is created, then updated at the version read", async () => {
    const store = configMapLedgerStore(repo, config.autosave.ledger_name);
    expect(await store.read()).toEqual({ entries: [], version: "" });
    const entry = { projectId: 7, projectPath: "ns/p", lastLaunch: "2025-01-01T00:00:00.000Z" };
    await store.write([entry], "");
    const read = await store.read();
    expect(read.entries).toEqual([entry]);
    expect(read.version).not.toBe("");
    const entry2 = { ...entry, projectId: 8, projectPath: "ns/q" };
    await store.write([entry, entry2], read.version);
    expect((await store.read()).entries).toEqual([entry, entry2]);
  });

  it("makes the loser of a write race get a ConflictError", async () => {
    const store = configMapLedgerStore(repo, "ledger-race");
    const results = await Promise.allSettled([store.write([], ""), store.write([], "")]);
    const rejected = results.filter((r) => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect((rejected[0] as PromiseRejectedResult).reason.name).toBe("ConflictError");

    const { version } = await store.read();
    await store.write([], version);
    await expect(store.write([], version)).rejects.toMatchObject({ name: "ConflictError" });
  });
});

describe("the quota places (D19)", () => {
  const store = () => configMapSlotStore(repo, "quota-test");
  const place = (scope: string, index: number, session: string) => ({
    group: "g",
    scope,
    index,
    session,
    cpu: 0.5,
    memory: 1e9,
  });

  it("a place is taken once; it is listed by scope, and freed only at the version read", async () => {
    const first = await store().claim(place("s", 0, "one"));
    expect(first).toMatchObject({
      name: "quota-test-s-0",
      session: "one",
      cpu: 0.5,
      owner: undefined,
    });
    expect(await store().claim(place("s", 0, "two"))).toBeUndefined();
    await store().claim(place("s", 1, "two"));
    expect((await store().list(["s", "gc"])).map((s) => [s.index, s.session]).sort()).toEqual([
      [0, "one"],
      [1, "two"],
    ]);
    expect(await store().list(["other"])).toEqual([]);
    const moved = await store().reshare(first as Slot, 2, 3);
    expect(moved).toMatchObject({ cpu: 2, memory: 3 });
    // The stale version is no longer the place: freeing at it frees nothing.
    await store().release(first as Slot);
    expect(await store().list(["s", "gc"])).toHaveLength(2);
    await store().release(moved as Slot);
    await store().releaseSession("two");
    expect(await store().list(["s", "gc"])).toEqual([]);
  });

  it("a place owned by its session goes with it (the garbage collector)", async () => {
    await repo.create(manifest("owner-of-a-place"));
    const owner = await repo.get("owner-of-a-place");
    const taken = await store().claim(place("gc", 0, "owner-of-a-place"));
    const adopted = await store().adopt(taken as Slot, referenceOf(owner as Server));
    expect(adopted?.owner).toMatchObject({ kind: "JupyterServer", name: "owner-of-a-place" });
    // Adopting again at the version first read loses: someone else wrote it since.
    expect(await store().adopt(taken as Slot, referenceOf(owner as Server))).toBeUndefined();
    await repo.delete("owner-of-a-place");
    await cluster.amalthea.settle();
    expect(await store().list(["s", "gc"])).toEqual([]);
  });
});

describe("an unhealthy cluster", () => {
  it("answers 503/3503 when the API server fails", async () => {
    cluster.faults.inject({ kind: "503", pathPattern: /jupyterservers/ });
    const err = await appErrorOf(repo.listForUser("alice"));
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(err.message).toContain("kubeconfig");
  });

  it("answers 503/3503 when the connection is reset", async () => {
    cluster.faults.inject({ kind: "reset", pathPattern: /jupyterservers/ });
    const err = await appErrorOf(repo.get("getme"));
    expect([err.status, err.code]).toEqual([503, 3503]);
  });

  it("gives up on a stalled request with 503/3503 instead of hanging", async () => {
    cluster.faults.inject({ kind: "stall", pathPattern: /jupyterservers/ });
    const impatient = repoFor({ NB_K8S__KUBECONFIG: kubeconfig, NB_UPSTREAM_TIMEOUT_MS: "1500" });
    const err = await appErrorOf(impatient.get("getme"));
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(err.message).toContain("did not answer in time");
  });

  it("answers 503/3503 naming the cause when nothing listens", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const dir = mkdtempSync(join(tmpdir(), "nb-k8s-dead-"));
    const path = join(dir, "kubeconfig.yaml");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path, cluster.kubeconfig().replace(cluster.url, `http://127.0.0.1:${port}`));
    const err = await appErrorOf(repoFor({ NB_K8S__KUBECONFIG: path }).get("x"));
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(err.message).toContain("ECONNREFUSED");
  });
});

describe("pod proxy", () => {
  it("POSTs through pods/<name>:<port>/proxy and fails when nothing listens there", async () => {
    cluster.bulkLoad([
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "lonely-0", namespace: "renku" },
        spec: { containers: [{ name: "c", image: "busybox" }] },
      },
    ]);
    const before = cluster.requests.length;
    const err = await appErrorOf(
      repo.postPodProxy("lonely-0", 4000, "/sessions/lonely/sidecar/jsonrpc", {}, 500),
    );
    // The API server answers 503 when nothing listens behind the proxy.
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(cluster.requests.slice(before)).toEqual([
      expect.objectContaining({
        method: "POST",
        verb: "create",
        resource: "pods",
        subresource: "proxy",
        path: "/api/v1/namespaces/renku/pods/lonely-0:4000/proxy/sessions/lonely/sidecar/jsonrpc",
      }),
    ]);
  });
});

describe("service proxy", () => {
  it("POSTs through services/<name>:<port>/proxy and fails when no pod is behind the Service", async () => {
    cluster.bulkLoad([
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "lonely-rpc-server", namespace: "renku" },
        spec: {
          selector: { app: "lonely" },
          ports: [{ name: "http", port: 80, targetPort: 4000 }],
        },
      },
    ]);
    const before = cluster.requests.length;
    const err = await appErrorOf(
      repo.postServiceProxy(
        "lonely-rpc-server",
        "http",
        "sessions/lonely/sidecar/jsonrpc",
        {},
        500,
      ),
    );
    // The API server answers 503 when nothing listens behind the proxy.
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(cluster.requests.slice(before)).toEqual([
      expect.objectContaining({
        method: "POST",
        verb: "create",
        resource: "services",
        subresource: "proxy",
        path: "/api/v1/namespaces/renku/services/lonely-rpc-server:http/proxy/sessions/lonely/sidecar/jsonrpc",
      }),
    ]);
  });
});

describe("RBAC", () => {
  // Runs last in this file: every request above must be allowed by deploy/rbac.yaml, and the Role
  // must grant nothing this repository does not use.
  it("allows every request the repository made, and grants nothing unused", () => {
    const { role } = loadRbac();
    expect(cluster.requests.length).toBeGreaterThan(20);
    expect(deniedRequests(role.rules, cluster.requests)).toEqual([]);
    expect(unusedGrants(role.rules, cluster.requests)).toEqual([]);
  });
});

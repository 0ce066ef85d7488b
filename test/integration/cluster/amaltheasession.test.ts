/** The AmaltheaSession CRD and its simulated operator, observed through client-node over HTTP. */
import { PatchStrategy, setHeaderOptions, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UNSCHEDULABLE_MESSAGE } from "../../local/cluster/index.js";
import { AMS, amaltheaSession } from "./ams-body.js";
import { type Clients, failure, startWithClients } from "./clients.js";

const ns = "renku";
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface Cr {
  metadata: {
    name: string;
    uid: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    generation?: number;
  };
  spec: Record<string, unknown> & {
    session: Record<string, unknown>;
    culling?: Record<string, unknown>;
  };
  status: {
    state?: string;
    idle?: boolean;
    url?: string;
    error?: string;
    runID?: string;
    hibernatedSince?: string;
    failingSince?: string;
    failedSchedulingSince?: string;
    willHibernateAt?: string;
    containerCounts?: { ready?: number; total?: number };
    initContainerCounts?: { ready?: number; total?: number };
    conditions?: Condition[];
  };
}

const getCr = async (c: Clients, name: string) =>
  (await c.custom.getNamespacedCustomObject({ ...AMS, namespace: ns, name })) as Cr;
const create = async (c: Clients, body: object) =>
  (await c.custom.createNamespacedCustomObject({ ...AMS, namespace: ns, body })) as Cr;
const patchCr = (c: Clients, name: string, body: object) =>
  c.custom.patchNamespacedCustomObject({ ...AMS, namespace: ns, name, body }, merge);
const condition = (cr: Cr, type: string) => cr.status.conditions?.find((x) => x.type === type);

async function secret(c: Clients, name: string): Promise<void> {
  await c.core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name }, stringData: { auth: "cookie_secret = 'x'" } },
  });
}

describe("the AmaltheaSession CRD", () => {
  let c: Clients;
  beforeAll(async () => {
    c = await startWithClients({ timing: "manual" });
  });
  afterAll(async () => {
    await c.cluster.stop();
  });

  it("applies the CRD defaults and reads back status {state: NotReady, idle: false}", async () => {
    const body = amaltheaSession("defaults");
    body.spec.hibernated = undefined;
    const cr = await create(c, { ...body, status: { state: "Running" } });
    expect(cr.status).toEqual({ state: "NotReady", idle: false });
    expect(cr.spec.hibernated).toBe(false);
    expect(cr.spec.location).toBe("local");
    expect(cr.spec.sessionType).toBe("Interactive");
    expect(cr.spec.session.imagePullPolicy).toBe("Always");
    expect(cr.spec.session.stripURLPath).toBe(false);
    expect((cr.spec.authentication as { enabled: boolean }).enabled).toBe(true);
    // `culling` given: its inner defaults apply; absent, they would not.
    expect(cr.spec.culling?.cpuIdleThreshold).toBe("300m");
    const bare = amaltheaSession("bare-culling");
    delete bare.spec.culling;
    expect((await create(c, bare)).spec.culling).toBeUndefined();
  });

  it("prunes fields the schema does not know", async () => {
    const body = amaltheaSession("pruned");
    body.spec.unknownField = 1;
    (body.spec.session as Record<string, unknown>).bogus = "x";
    const cr = await create(c, body);
    expect(cr.spec.unknownField).toBeUndefined();
    expect(cr.spec.session.bogus).toBeUndefined();
    // Maps of quantities keep their keys.
    expect(cr.spec.session.resources).toEqual({ requests: { cpu: "500m", memory: "2Gi" } });
  });

  it("rejects invalid sessions with kube-apiserver's words", async () => {
    const cases: Array<[string, (b: ReturnType<typeof amaltheaSession>) => void, string]> = [
      ["no-session", (b) => delete b.spec.session, "spec.session: Required value"],
      [
        "no-image",
        (b) => delete (b.spec.session as Record<string, unknown>).image,
        "spec.session.image: Required value",
      ],
      [
        "bad-location",
        (b) => {
          b.spec.location = "mars";
        },
        'spec.location: Unsupported value: "mars": supported values: "local", "remote"',
      ],
      [
        "port-high",
        (b) => {
          (b.spec.session as Record<string, unknown>).port = 65530;
        },
        "spec.session.port: Invalid value: 65530: spec.session.port in body should be less than 65530",
      ],
      [
        "port-zero",
        (b) => {
          (b.spec.session as Record<string, unknown>).port = 0;
        },
        "spec.session.port: Invalid value: 0: spec.session.port in body should be greater than 0",
      ],
      [
        "bad-duration",
        (b) => {
          b.spec.culling = { maxIdleDuration: "one day" };
        },
        'spec.culling.maxIdleDuration: Invalid value: "one day": spec.culling.maxIdleDuration in body must be of type duration: "one day"',
      ],
      [
        "bad-strategy",
        (b) => {
          b.spec.reconcileStrategy = "whenHibernatedOrFailed";
        },
        'spec.reconcileStrategy: Unsupported value: "whenHibernatedOrFailed": supported values: "never", "always", "whenFailedOrHibernated"',
      ],
      [
        "no-auth-type",
        (b) => {
          b.spec.authentication = { secretRef: { name: "x" } };
        },
        "spec.authentication.type: Required value",
      ],
    ];
    for (const [name, change, message] of cases) {
      const body = amaltheaSession(name);
      change(body);
      const { code, status } = await failure(create(c, body));
      expect(code, name).toBe(422);
      expect(status.reason).toBe("Invalid");
      expect(status.message).toBe(`AmaltheaSession.amalthea.dev "${name}" is invalid: ${message}`);
      expect(status.details?.kind).toBe("AmaltheaSession");
    }
  });

  it("enforces the CRD's immutability rules (self == oldSelf) on updates", async () => {
    const body = amaltheaSession("immutable");
    body.spec.codeRepositories = [{ remote: "https://gitlab.example.org/a/b.git" }];
    await create(c, body);
    const rejected: Array<[object, string]> = [
      [
        { spec: { location: "remote" } },
        'spec.location: Invalid value: "string": location is immutable',
      ],
      [
        { spec: { sessionType: "NonInteractive" } },
        'spec.sessionType: Invalid value: "string": sesion type is immutable',
      ],
      [
        { spec: { ingress: { host: "other.example.org" } } },
        'spec.ingress.host: Invalid value: "string": Host is immutable',
      ],
      [
        { spec: { codeRepositories: [{ remote: "https://gitlab.example.org/a/c.git" }] } },
        'spec.codeRepositories: Invalid value: "array": CodeRepositories is immutable',
      ],
    ];
    for (const [patch, message] of rejected) {
      const { code, status } = await failure(patchCr(c, "immutable", patch));
      expect(code).toBe(422);
      expect(status.message).toBe(
        `AmaltheaSession.amalthea.dev "immutable" is invalid: ${message}`,
      );
    }
    // Mutable fields still change, and a transition rule only runs where both values exist.
    await patchCr(c, "immutable", { spec: { hibernated: true } });
    const bare = amaltheaSession("no-ingress");
    delete bare.spec.ingress;
    await create(c, bare);
    await patchCr(c, "no-ingress", { spec: { ingress: { host: "late.example.org" } } });
    expect(((await getCr(c, "no-ingress")).spec.ingress as { host: string }).host).toBe(
      "late.example.org",
    );
    await patchCr(c, "no-ingress", { spec: { ingress: null } });
    expect((await getCr(c, "no-ingress")).spec.ingress).toBeUndefined();
  });

  it("writes status only through the status subresource", async () => {
    await create(c, amaltheaSession("subresource"));
    const before = await getCr(c, "subresource");
    await patchCr(c, "subresource", { status: { state: "Running" }, spec: { hibernated: true } });
    const afterMain = await getCr(c, "subresource");
    expect(afterMain.status.state).toBe("NotReady");
    expect(afterMain.spec.hibernated).toBe(true);
    expect(afterMain.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
    await c.custom.patchNamespacedCustomObjectStatus(
      {
        ...AMS,
        namespace: ns,
        name: "subresource",
        body: { status: { state: "Failed", error: "x" }, spec: { hibernated: false } },
      },
      merge,
    );
    const afterStatus = await getCr(c, "subresource");
    expect(afterStatus.status.state).toBe("Failed");
    expect(afterStatus.spec.hibernated).toBe(true);
    expect(afterStatus.metadata.generation).toBe(afterMain.metadata.generation);
  });
});

describe("an AmaltheaSession's life, step by step (manual timing)", () => {
  let c: Clients;
  beforeAll(async () => {
    c = await startWithClients({ timing: "manual" });
    await secret(c, "life");
    await create(c, amaltheaSession("life"));
  });
  afterAll(async () => {
    await c.cluster.stop();
  });

  it("first reconcile: URL, secrets finalizer through a full update, children, first status", async () => {
    expect((await getCr(c, "life")).status).toEqual({ state: "NotReady", idle: false });
    await c.cluster.amalthea.advance(ns, "life");
    const first = await getCr(c, "life");
    expect(first.status.url).toBe("https://renku.example.org/sessions/life/lab/");
    expect(first.status.state).toBe("NotReady");
    expect(first.status.runID).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(first.status.containerCounts).toEqual({ total: 4 });
    expect(first.status.initContainerCounts).toEqual({ total: 1 });
    expect(condition(first, "Ready")).toMatchObject({
      status: "False",
      reason: "SessionCreated",
      message: "The custom resource was created just now",
    });
    // The Ingress was created in this same reconcile.
    expect(condition(first, "RoutingReady")).toMatchObject({
      status: "True",
      reason: "IngressOperational",
    });
    expect(first.metadata.finalizers).toEqual(["amalthea.dev/secrets-finalizer"]);
    // The operator's Go client writes durations back in Go form and fills culling's zero values.
    expect(first.spec.culling).toMatchObject({
      maxIdleDuration: "24h0m0s",
      maxHibernatedDuration: "24h0m0s",
      maxAge: "0s",
    });
  });

  it("renders the children of amaltheasession.md §3 with the operator's labels and owner", async () => {
    const cr = await getCr(c, "life");
    const selector = {
      "app.kubernetes.io/name": "AmaltheaSession",
      "app.kubernetes.io/instance": "life",
      "app.kubernetes.io/part-of": "amaltheasession-operator",
      "app.kubernetes.io/created-by": "controller-manager",
    };
    const owner = [
      {
        apiVersion: "amalthea.dev/v1alpha1",
        kind: "AmaltheaSession",
        name: "life",
        uid: cr.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
    const sts = await c.apps.readNamespacedStatefulSet({ name: "life", namespace: ns });
    expect(sts.spec?.replicas).toBe(1);
    expect(sts.spec?.podManagementPolicy).toBe("Parallel");
    expect(sts.spec?.selector.matchLabels).toEqual(selector);
    expect(sts.metadata?.labels).toEqual({
      "renku.io/safe-username": "user-1",
      "renku.io/session-type": "interactive",
      ...selector,
    });
    expect(sts.metadata?.ownerReferences).toEqual(owner);
    const tmpl = sts.spec?.template;
    expect(tmpl?.metadata?.annotations?.["renku.io/session_uid"]).toBe(cr.metadata.uid);
    expect(tmpl?.metadata?.annotations?.["renku.io/run_id"]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(tmpl?.spec?.initContainers?.map((x) => x.name)).toEqual(["git-clone"]);
    expect(tmpl?.spec?.containers.map((x) => x.name)).toEqual([
      "amalthea-session",
      "oauth2-proxy",
      "authproxy",
      "git-proxy",
    ]);
    const session = tmpl?.spec?.containers[0];
    expect(session?.readinessProbe?.tcpSocket?.port).toBe(8888);
    expect(session?.readinessProbe?.successThreshold).toBe(5);
    expect(session?.volumeMounts?.[0]).toEqual({
      name: "amalthea-volume",
      mountPath: "/home/jovyan/work",
    });
    expect(tmpl?.spec?.securityContext?.fsGroup).toBe(100);
    expect(tmpl?.spec?.enableServiceLinks).toBe(false);
    expect(tmpl?.spec?.automountServiceAccountToken).toBe(false);

    const svc = await c.core.readNamespacedService({ name: "life", namespace: ns });
    expect(svc.spec?.type).toBe("ClusterIP");
    expect(svc.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ["amalthea-http", 80, 65535],
      ["amalthea-http-meta", 65534, 65534],
    ]);
    const pvc = await c.core.readNamespacedPersistentVolumeClaim({ name: "life", namespace: ns });
    expect(pvc.spec?.resources?.requests?.storage).toBe("10G");
    expect(pvc.spec?.accessModes).toEqual(["ReadWriteOnce"]);
    const internal = await c.core.readNamespacedSecret({ name: "life---internal", namespace: ns });
    expect(internal.metadata?.ownerReferences).toEqual(owner);
    const ing = (await c.custom.getNamespacedCustomObject({
      group: "networking.k8s.io",
      version: "v1",
      plural: "ingresses",
      namespace: ns,
      name: "life",
    })) as { spec: { rules: Array<{ host: string; http: { paths: unknown[] } }>; tls: unknown } };
    expect(ing.spec.rules[0]?.host).toBe("renku.example.org");
    expect(ing.spec.rules[0]?.http.paths).toEqual([
      {
        path: "/sessions/life/",
        pathType: "Prefix",
        backend: { service: { name: "life", port: { name: "amalthea-http" } } },
      },
    ]);
    expect(ing.spec.tls).toEqual([{ hosts: ["renku.example.org"], secretName: "renku-tls" }]);
    // The adopted secret gets no ownerReference.
    const adopted = await c.core.readNamespacedSecret({ name: "life", namespace: ns });
    expect(adopted.metadata?.ownerReferences).toBeUndefined();
  });

  it("moves NotReady -> Running with counts and conditions, as the pod starts", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      await c.cluster.amalthea.advance(ns, "life");
      seen.add((await getCr(c, "life")).status.state ?? "");
    }
    expect([...seen]).toEqual(["NotReady", "Running"]);
    const cr = await getCr(c, "life");
    expect(cr.status.containerCounts).toEqual({ ready: 4, total: 4 });
    expect(cr.status.initContainerCounts).toEqual({ ready: 1, total: 1 });
    expect(cr.status.runID).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(condition(cr, "Ready")).toMatchObject({
      status: "True",
      reason: "Running",
      message: "The session is running",
    });
    expect(condition(cr, "RoutingReady")).toMatchObject({
      status: "True",
      reason: "IngressOperational",
    });
    expect(cr.status.error).toBeUndefined();
  });

  it("serves each container's log", async () => {
    for (const container of ["git-clone", "amalthea-session", "oauth2-proxy", "git-proxy"]) {
      const log = await c.core.readNamespacedPodLog({ name: "life-0", namespace: ns, container });
      expect(log.length, container).toBeGreaterThan(0);
    }
    const bad = await failure(
      c.core.readNamespacedPodLog({ name: "life-0", namespace: ns, container: "nope" }),
    );
    expect(bad.code).toBe(400);
  });

  it("shows a deleted session as NotReady until its finalizers are done", async () => {
    await c.custom.deleteNamespacedCustomObject({
      ...AMS,
      namespace: ns,
      name: "life",
      propagationPolicy: "Foreground",
    });
    const deleting = await getCr(c, "life");
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(deleting.metadata.finalizers).toEqual([
      "amalthea.dev/secrets-finalizer",
      "foregroundDeletion",
    ]);
    await c.cluster.amalthea.advance(ns, "life");
    const stopping = await getCr(c, "life");
    expect(stopping.status.state).toBe("NotReady");
    expect(stopping.status.containerCounts).toEqual({ ready: 4, total: 4 });
    await c.cluster.amalthea.settle();
    expect((await failure(getCr(c, "life"))).code).toBe(404);
    expect((await failure(c.core.readNamespacedSecret({ name: "life", namespace: ns }))).code).toBe(
      404,
    );
  });
});

describe("AmaltheaSession hibernation, deletion and faults (instant timing)", () => {
  let c: Clients;
  let clock = Date.now();
  beforeAll(async () => {
    c = await startWithClients({ timing: "instant", now: () => new Date(clock) });
  });
  afterAll(async () => {
    await c.cluster.stop();
  });

  it("hibernates through spec.hibernated and resumes with a new runID", async () => {
    await secret(c, "sleepy");
    await create(c, amaltheaSession("sleepy"));
    const running = await getCr(c, "sleepy");
    expect(running.status.state).toBe("Running");

    await patchCr(c, "sleepy", { spec: { hibernated: true } });
    const asleep = await getCr(c, "sleepy");
    expect(asleep.status.state).toBe("Hibernated");
    expect(asleep.status.runID).toBeUndefined();
    expect(asleep.status.hibernatedSince).toBeDefined();
    expect(asleep.status.url).toBe(running.status.url);
    expect(condition(asleep, "Ready")).toMatchObject({
      status: "False",
      reason: "Hibernated",
      message: "The session is hibernated",
    });
    const sts = await c.apps.readNamespacedStatefulSet({ name: "sleepy", namespace: ns });
    expect(sts.spec?.replicas).toBe(0);
    const pods = await c.core.listNamespacedPod({
      namespace: ns,
      labelSelector: "app.kubernetes.io/instance=sleepy",
    });
    expect(pods.items).toEqual([]);
    // The PVC, Service and Ingress stay.
    await c.core.readNamespacedPersistentVolumeClaim({ name: "sleepy", namespace: ns });
    await c.core.readNamespacedService({ name: "sleepy", namespace: ns });

    await patchCr(c, "sleepy", { spec: { hibernated: false } });
    const awake = await getCr(c, "sleepy");
    expect(awake.status.state).toBe("Running");
    expect(awake.status.hibernatedSince).toBeUndefined();
    expect(awake.status.runID).toBeDefined();
    expect(awake.status.runID).not.toBe(running.status.runID);
  });

  it("deletes with Foreground propagation: the adopted secrets go through the finalizer, children through GC", async () => {
    await secret(c, "gone");
    await create(c, amaltheaSession("gone"));
    expect((await getCr(c, "gone")).metadata.finalizers).toEqual([
      "amalthea.dev/secrets-finalizer",
    ]);
    await c.custom.deleteNamespacedCustomObject({
      ...AMS,
      namespace: ns,
      name: "gone",
      propagationPolicy: "Foreground",
    });
    expect((await failure(getCr(c, "gone"))).code).toBe(404);
    expect((await failure(c.core.readNamespacedSecret({ name: "gone", namespace: ns }))).code).toBe(
      404,
    );
    for (const read of [
      c.apps.readNamespacedStatefulSet({ name: "gone", namespace: ns }),
      c.core.readNamespacedPersistentVolumeClaim({ name: "gone", namespace: ns }),
      c.core.readNamespacedSecret({ name: "gone---internal", namespace: ns }),
      c.core.readNamespacedPod({ name: "gone-0", namespace: ns }),
    ])
      expect((await failure(read)).code).toBe(404);
  });

  it("fails the session on each scripted fault, with Amalthea's error message", async () => {
    const crashing = (container: string) =>
      `the command in container ${container} is crashing, this can occur when you run out of disk space, this is the best reason for the crash we could extract: "back-off`;
    const cases: Array<[string, { annotation?: string; image?: string }, string, string?]> = [
      [
        "f-missing",
        { annotation: "missing-command" },
        crashing("amalthea-session"),
        "amalthea-session",
      ],
      ["f-crash", { image: "renku/crashloop:1" }, crashing("amalthea-session"), "amalthea-session"],
      ["f-clone", { annotation: "clone-201" }, crashing("git-clone"), "git-clone"],
      [
        "f-quota",
        { annotation: "quota" },
        "Quota exceeded: Your resource pool does not contain enough free resources (CPU / Memory / GPU / Storage) to schedule the session",
      ],
    ];
    for (const [name, fault, error, container] of cases) {
      await create(
        c,
        amaltheaSession(name, {
          ...(fault.image ? { image: fault.image } : {}),
          annotations: fault.annotation ? { "local.renku.io/fault": fault.annotation } : {},
        }),
      );
      const cr = await getCr(c, name);
      expect(cr.status.state, name).toBe("Failed");
      expect(cr.status.error?.startsWith(error), `${name}: ${cr.status.error}`).toBe(true);
      expect(cr.status.failingSince).toBeDefined();
      expect(condition(cr, "Ready")?.status).toBe("False");
      if (container) {
        const log = await c.core.readNamespacedPodLog({
          name: `${name}-0`,
          namespace: ns,
          container,
          previous: true,
        });
        expect(log.length).toBeGreaterThan(0);
      }
    }
    const clone = await c.core.readNamespacedPodLog({
      name: "f-clone-0",
      namespace: ns,
      container: "git-clone",
      previous: true,
    });
    expect(clone).toContain("Cannot reach the git remote server");
  });

  it("warns about an unschedulable session, then fails it after 10 minutes", async () => {
    await create(
      c,
      amaltheaSession("f-unsched", { annotations: { "local.renku.io/fault": "unschedulable" } }),
    );
    const pending = await getCr(c, "f-unsched");
    expect(pending.status.state).toBe("NotReady");
    expect(pending.status.error).toBe(
      `the session cannot be scheduled due to: ${UNSCHEDULABLE_MESSAGE}. Please contact an administrator.`,
    );
    expect(pending.status.failedSchedulingSince).toBeDefined();
    clock += 11 * 60_000;
    await c.cluster.amalthea.settle();
    const failed = await getCr(c, "f-unsched");
    expect(failed.status.state).toBe("Failed");
    expect(failed.status.error).toBe(`failed scheduling: ${UNSCHEDULABLE_MESSAGE}`);
  });

  it("stops at the first render when the auth secret key is missing (no children, no state)", async () => {
    const body = amaltheaSession("no-key");
    body.spec.authentication = { type: "token", secretRef: { name: "no-key" } };
    await create(c, body);
    const cr = await getCr(c, "no-key");
    expect(cr.status).toEqual({
      state: "NotReady",
      idle: false,
      url: "https://renku.example.org/sessions/no-key/lab/",
    });
    expect(
      (await failure(c.apps.readNamespacedStatefulSet({ name: "no-key", namespace: ns }))).code,
    ).toBe(404);
  });

  it("renders token auth as authproxy alone, and no auth as the session alone", async () => {
    const token = amaltheaSession("tok");
    token.spec.authentication = { type: "token", secretRef: { name: "tok", key: "auth" } };
    token.spec.extraContainers = [];
    await create(c, token);
    const pod = (await c.core.readNamespacedPod({ name: "tok-0", namespace: ns })) as V1Pod;
    expect(pod.spec?.containers.map((x) => x.name)).toEqual(["amalthea-session", "authproxy"]);
    expect((await getCr(c, "tok")).status.containerCounts).toEqual({ ready: 2, total: 2 });

    const open = amaltheaSession("open");
    delete open.spec.authentication;
    delete open.spec.ingress;
    open.spec.extraContainers = [];
    open.spec.initContainers = [];
    open.spec.codeRepositories = [
      { remote: "https://gitlab.example.org/a/b.git", revision: "abc" },
    ];
    await create(c, open);
    const cr = await getCr(c, "open");
    expect(cr.status.url).toBe("None");
    expect(cr.status.state).toBe("Running");
    expect(condition(cr, "RoutingReady")).toMatchObject({
      status: "False",
      reason: "SessionCreated",
    });
    const sts = await c.apps.readNamespacedStatefulSet({ name: "open", namespace: ns });
    expect(sts.spec?.template.spec?.initContainers?.map((x) => x.name)).toEqual(["git-clone-0"]);
    expect(sts.spec?.template.spec?.initContainers?.[0]?.args).toContain("abc");
    const svc = await c.core.readNamespacedService({ name: "open", namespace: ns });
    expect(svc.spec?.ports?.[0]?.targetPort).toBe(8888);
  });

  it("hibernates at willHibernateAt and deletes after maxHibernatedDuration", async () => {
    const body = amaltheaSession("culled");
    body.spec.culling = { maxAge: "1h", maxHibernatedDuration: "1s" };
    await create(c, body);
    const running = await getCr(c, "culled");
    expect(running.status.state).toBe("Running");
    expect(running.status.willHibernateAt).toBeDefined();
    clock += 61 * 60_000;
    await c.cluster.amalthea.settle();
    const culled = await getCr(c, "culled");
    expect(culled.spec.hibernated).toBe(true);
    expect(culled.status.state).toBe("Hibernated");
    clock += 2_000;
    await c.cluster.amalthea.settle();
    expect((await failure(getCr(c, "culled"))).code).toBe(404);
  });

  it("keeps spec changes to the pod for the next resume under whenFailedOrHibernated", async () => {
    await create(c, amaltheaSession("strategy"));
    await patchCr(c, "strategy", {
      spec: { session: { resources: { requests: { cpu: "1", memory: "2Gi" } } } },
    });
    const sts = await c.apps.readNamespacedStatefulSet({ name: "strategy", namespace: ns });
    expect(sts.spec?.template.spec?.containers[0]?.resources?.requests?.cpu).toBe("500m");
    await patchCr(c, "strategy", { spec: { hibernated: true } });
    await patchCr(c, "strategy", { spec: { hibernated: false } });
    const resumed = await c.apps.readNamespacedStatefulSet({ name: "strategy", namespace: ns });
    expect(resumed.spec?.template.spec?.containers[0]?.resources?.requests?.cpu).toBe("1");
    expect((await getCr(c, "strategy")).status.state).toBe("Running");
  });
});

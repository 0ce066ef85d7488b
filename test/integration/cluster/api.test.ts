/** The Kubernetes API semantics of the local cluster, driven through @kubernetes/client-node. */
import { PatchStrategy, setHeaderOptions, VersionApi, Watch } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Clients, failure, JS, jupyterServer, startWithClients } from "./clients.js";

let c: Clients;
const ns = "renku";
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const strategic = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);

type Obj = {
  metadata: Record<string, unknown> & { name: string; resourceVersion: string; uid: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

beforeAll(async () => {
  // Manual timing: the simulated operator stays out of the way of these API tests.
  c = await startWithClients({ timing: "manual", namespaces: ["other"] });
});
afterAll(async () => {
  await c.cluster.stop();
});

const createJs = (name: string, user = "alice") =>
  c.custom.createNamespacedCustomObject({
    ...JS,
    namespace: ns,
    body: jupyterServer(name, { user }),
  }) as Promise<Obj>;
const getJs = (name: string) =>
  c.custom.getNamespacedCustomObject({ ...JS, namespace: ns, name }) as Promise<Obj>;

describe("discovery", () => {
  it("hands out a kubeconfig client-node accepts for plain http, with a token user", () => {
    expect(c.kc.getCurrentCluster()).toMatchObject({ server: c.cluster.url, skipTLSVerify: true });
    expect(c.kc.getCurrentUser()?.token).toBeTruthy();
    expect(c.kc.getContextObject(c.kc.getCurrentContext())?.namespace).toBe("renku");
  });

  it("answers /version and the amalthea.dev resource list", async () => {
    const v = await c.kc.makeApiClient(VersionApi).getCode();
    expect(v.major).toBe("1");
    const list = await c.custom.getAPIResources({ group: "amalthea.dev", version: "v1alpha1" });
    expect(list.resources.map((r) => [r.name, r.kind, r.namespaced, r.shortNames])).toEqual([
      ["jupyterservers", "JupyterServer", true, ["js"]],
      ["amaltheasessions", "AmaltheaSession", true, ["ams", "amss"]],
      ["amaltheasessions/status", "AmaltheaSession", true, undefined],
    ]);
  });
});

describe("create and read", () => {
  it("stamps uid, resourceVersion, generation and creationTimestamp, and applies CRD defaults", async () => {
    const created = await createJs("create-1");
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata.generation).toBe(1);
    expect(Date.parse(String(created.metadata.creationTimestamp))).not.toBeNaN();
    expect(
      (created.spec?.culling as Record<string, number> | undefined)?.startingSecondsThreshold,
    ).toBe(0);
    expect(created.status).toEqual({ children: {}, mainPod: {} });
    const got = await getJs("create-1");
    expect(got.metadata.uid).toBe(created.metadata.uid);
  });

  it("answers 409 AlreadyExists for a second create", async () => {
    await createJs("dup-1");
    const { code, status } = await failure(createJs("dup-1"));
    expect(code).toBe(409);
    expect(status).toMatchObject({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      reason: "AlreadyExists",
      message: 'jupyterservers.amalthea.dev "dup-1" already exists',
      details: { name: "dup-1", group: "amalthea.dev", kind: "jupyterservers" },
      code: 409,
    });
  });

  it("answers 404 NotFound like kube-apiserver", async () => {
    const { code, status } = await failure(getJs("nope"));
    expect(code).toBe(404);
    expect(status.reason).toBe("NotFound");
    expect(status.message).toBe('jupyterservers.amalthea.dev "nope" not found');
    const pod = await failure(c.core.readNamespacedPod({ name: "nope-0", namespace: ns }));
    expect(pod.status.message).toBe('pods "nope-0" not found');
    expect(pod.status.details).toEqual({ name: "nope-0", kind: "pods" });
  });

  it("answers 404 for a namespace that does not exist", async () => {
    const { code, status } = await failure(
      c.custom.createNamespacedCustomObject({
        ...JS,
        namespace: "ghost",
        body: jupyterServer("x"),
      }),
    );
    expect(code).toBe(404);
    expect(status.message).toBe('namespaces "ghost" not found');
  });

  it("answers 422 Invalid naming the field for a schema violation, a bad name or a bad label", async () => {
    const bad = jupyterServer("bad-1");
    (bad.spec.culling as Record<string, unknown>).idleSecondsThreshold = -5;
    const schema = await failure(
      c.custom.createNamespacedCustomObject({ ...JS, namespace: ns, body: bad }),
    );
    expect(schema.code).toBe(422);
    expect(schema.status.reason).toBe("Invalid");
    expect(schema.status.details?.kind).toBe("JupyterServer");
    expect(schema.status.details?.causes?.[0]?.field).toBe("spec.culling.idleSecondsThreshold");
    expect(schema.status.message).toBe(
      'JupyterServer.amalthea.dev "bad-1" is invalid: spec.culling.idleSecondsThreshold: Invalid value: -5: spec.culling.idleSecondsThreshold in body should be greater than or equal to 0',
    );

    const name = await failure(createJs("Not_A_Name"));
    expect(name.code).toBe(422);
    expect(name.status.details?.causes?.[0]?.field).toBe("metadata.name");

    const label = await failure(createJs("label-1", "x".repeat(64)));
    expect(label.code).toBe(422);
    expect(label.status.details?.causes?.[0]).toMatchObject({ field: "metadata.labels" });
    expect(label.status.message).toContain("must be no more than 63 characters");
  });
});

describe("update and optimistic concurrency", () => {
  it("answers 409 Conflict for a replace with a stale resourceVersion", async () => {
    const first = await createJs("upd-1");
    const fresh = await getJs("upd-1");
    fresh.metadata.labels = { ...(fresh.metadata.labels as object), extra: "1" };
    const replaced = (await c.custom.replaceNamespacedCustomObject({
      ...JS,
      namespace: ns,
      name: "upd-1",
      body: fresh,
    })) as Obj;
    expect(replaced.metadata.generation).toBe(1); // metadata-only change
    expect(replaced.metadata.resourceVersion).not.toBe(first.metadata.resourceVersion);

    const stale = { ...first, metadata: { ...first.metadata } };
    const { code, status } = await failure(
      c.custom.replaceNamespacedCustomObject({ ...JS, namespace: ns, name: "upd-1", body: stale }),
    );
    expect(code).toBe(409);
    expect(status.reason).toBe("Conflict");
    expect(status.message).toBe(
      'Operation cannot be fulfilled on jupyterservers.amalthea.dev "upd-1": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it("bumps generation on a spec change, and wants a resourceVersion for PUT", async () => {
    const obj = await createJs("upd-2");
    (obj.spec?.jupyterServer as Record<string, unknown>).image = "renku/py:other";
    const out = (await c.custom.replaceNamespacedCustomObject({
      ...JS,
      namespace: ns,
      name: "upd-2",
      body: obj,
    })) as Obj;
    expect(out.metadata.generation).toBe(2);
    const noRv = { ...out, metadata: { ...out.metadata, resourceVersion: undefined } };
    const { code, status } = await failure(
      c.custom.replaceNamespacedCustomObject({ ...JS, namespace: ns, name: "upd-2", body: noRv }),
    );
    expect(code).toBe(422);
    expect(status.details?.causes?.[0]?.field).toBe("metadata.resourceVersion");
  });
});

describe("patch", () => {
  it("sends json-patch by default; a failed test op answers 422", async () => {
    await createJs("p-1");
    const out = (await c.custom.patchNamespacedCustomObject({
      ...JS,
      namespace: ns,
      name: "p-1",
      body: [
        { op: "test", path: "/spec/jupyterServer/hibernated", value: false },
        { op: "add", path: "/metadata/labels/renku.io~1quota", value: "q1" },
      ],
    })) as Obj;
    expect((out.metadata.labels as Record<string, string>)["renku.io/quota"]).toBe("q1");
    const { code, status } = await failure(
      c.custom.patchNamespacedCustomObject({
        ...JS,
        namespace: ns,
        name: "p-1",
        body: [{ op: "test", path: "/spec/jupyterServer/hibernated", value: true }],
      }),
    );
    expect(code).toBe(422);
    expect(status.details?.causes?.[0]?.message).toBe(
      "testing value /spec/jupyterServer/hibernated failed: test failed",
    );
  });

  it("takes merge-patch when the caller sets the Content-Type", async () => {
    await createJs("p-2");
    const out = (await c.custom.patchNamespacedCustomObject(
      {
        ...JS,
        namespace: ns,
        name: "p-2",
        body: {
          spec: { jupyterServer: { hibernated: true } },
          metadata: { annotations: { "renku.io/hibernation": "{}" } },
        },
      },
      merge,
    )) as Obj;
    expect((out.spec?.jupyterServer as Record<string, unknown> | undefined)?.hibernated).toBe(true);
    expect((out.spec?.jupyterServer as Record<string, unknown> | undefined)?.image).toBe(
      "renku/py:3.10",
    );
    expect(out.metadata.generation).toBe(2);
  });

  it("answers 409 when a merge patch carries a stale resourceVersion", async () => {
    const obj = await createJs("p-3");
    await c.custom.patchNamespacedCustomObject(
      { ...JS, namespace: ns, name: "p-3", body: { metadata: { labels: { a: "1" } } } },
      merge,
    );
    const { code } = await failure(
      c.custom.patchNamespacedCustomObject(
        {
          ...JS,
          namespace: ns,
          name: "p-3",
          body: { metadata: { resourceVersion: obj.metadata.resourceVersion, labels: { a: "2" } } },
        },
        merge,
      ),
    );
    expect(code).toBe(409);
  });

  it("answers 415 for strategic merge on a custom resource, and merges by name on a StatefulSet", async () => {
    await createJs("p-4");
    const cr = await failure(
      c.custom.patchNamespacedCustomObject(
        { ...JS, namespace: ns, name: "p-4", body: { spec: {} } },
        strategic,
      ),
    );
    expect(cr.code).toBe(415);
    expect(cr.status.reason).toBe("UnsupportedMediaType");

    await c.apps.createNamespacedStatefulSet({
      namespace: ns,
      body: {
        metadata: { name: "sts-1" },
        spec: {
          replicas: 0,
          serviceName: "sts-1",
          selector: { matchLabels: { app: "sts-1" } },
          template: {
            metadata: { labels: { app: "sts-1" } },
            spec: {
              containers: [
                {
                  name: "git-proxy",
                  image: "p:1",
                  env: [
                    { name: "TOKEN", value: "old" },
                    { name: "KEEP", value: "k" },
                  ],
                },
                { name: "other", image: "o:1" },
              ],
            },
          },
        },
      },
    });
    const patched = await c.apps.patchNamespacedStatefulSet(
      {
        name: "sts-1",
        namespace: ns,
        body: {
          spec: {
            template: {
              spec: { containers: [{ name: "git-proxy", env: [{ name: "TOKEN", value: "new" }] }] },
            },
          },
        },
      },
      strategic,
    );
    const containers = patched.spec?.template.spec?.containers ?? [];
    expect(containers.map((x) => x.name)).toEqual(["git-proxy", "other"]);
    expect(containers[0]?.env).toEqual([
      { name: "TOKEN", value: "new" },
      { name: "KEEP", value: "k" },
    ]);
  });

  it("answers 415 for a Content-Type that is no patch format", async () => {
    await createJs("p-5");
    const { code, status } = await failure(
      c.custom.patchNamespacedCustomObject(
        { ...JS, namespace: ns, name: "p-5", body: { spec: {} } },
        setHeaderOptions("Content-Type", "application/json"),
      ),
    );
    expect(code).toBe(415);
    expect(status.message).toContain("accepted media types include");
  });
});

describe("list", () => {
  beforeAll(async () => {
    for (const [name, user] of [
      ["l-a1", "ann"],
      ["l-a2", "ann"],
      ["l-b1", "bob"],
      ["l-c1", "cid"],
    ] as const)
      await createJs(name, user);
  });

  const names = (r: unknown) => (r as { items: Obj[] }).items.map((o) => o.metadata.name).sort();

  it("filters by label selector, equality and set-based", async () => {
    const ann = await c.custom.listNamespacedCustomObject({
      ...JS,
      namespace: ns,
      labelSelector: "renku.io/safe-username=ann",
    });
    expect(names(ann)).toEqual(["l-a1", "l-a2"]);
    const set = await c.custom.listNamespacedCustomObject({
      ...JS,
      namespace: ns,
      labelSelector: "renku.io/safe-username in (bob,cid)",
    });
    expect(names(set)).toEqual(["l-b1", "l-c1"]);
    const not = await c.custom.listNamespacedCustomObject({
      ...JS,
      namespace: ns,
      labelSelector: "renku.io/safe-username notin (ann,alice),renku.io/safe-username",
    });
    expect(names(not)).toEqual(["l-b1", "l-c1"]);
  });

  it("filters by field selector on metadata.name", async () => {
    const one = await c.custom.listNamespacedCustomObject({
      ...JS,
      namespace: ns,
      fieldSelector: "metadata.name=l-b1",
    });
    expect(names(one)).toEqual(["l-b1"]);
  });

  it("pages with limit and continue", async () => {
    const sel = "renku.io/safe-username in (ann,bob,cid)";
    const p1 = (await c.custom.listNamespacedCustomObject({
      ...JS,
      namespace: ns,
      labelSelector: sel,
      limit: 3,
    })) as {
      items: Obj[];
      metadata: { continue?: string; remainingItemCount?: number };
    };
    expect(p1.items).toHaveLength(3);
    expect(p1.metadata.remainingItemCount).toBe(1);
    const p2 = (await c.custom.listNamespacedCustomObject({
      ...JS,
      namespace: ns,
      labelSelector: sel,
      limit: 3,
      _continue: p1.metadata.continue,
    })) as {
      items: Obj[];
      metadata: { continue?: string };
    };
    expect(names(p2)).toEqual(["l-c1"]);
    expect(p2.metadata.continue).toBeUndefined();
  });

  it("answers 400 for a malformed selector", async () => {
    const { code, status } = await failure(
      c.custom.listNamespacedCustomObject({ ...JS, namespace: ns, labelSelector: "a in (b" }),
    );
    expect(code).toBe(400);
    expect(status.reason).toBe("BadRequest");
  });

  it("lists one user's sessions among 20,000 bulk-loaded ones", async () => {
    const bulk = await startWithClients({ timing: "manual" });
    try {
      const objects = Array.from({ length: 20_000 }, (_, i) => ({
        apiVersion: "amalthea.dev/v1alpha1",
        kind: "JupyterServer",
        metadata: {
          name: `bulk-${i}`,
          namespace: "renku",
          labels: { "renku.io/safe-username": `user-${i % 5000}` },
        },
        spec: { jupyterServer: { image: "renku/py:1" } },
        status: { state: "running" },
      }));
      bulk.cluster.bulkLoad(objects);
      const mine = (await bulk.custom.listNamespacedCustomObject({
        ...JS,
        namespace: "renku",
        labelSelector: "renku.io/safe-username=user-42",
      })) as { items: Obj[] };
      expect(mine.items.map((o) => o.metadata.name).sort()).toEqual([
        "bulk-10042",
        "bulk-15042",
        "bulk-42",
        "bulk-5042",
      ]);
      await bulk.cluster.amalthea.settle(); // bulk objects are not simulated
      const one = (await bulk.custom.getNamespacedCustomObject({
        ...JS,
        namespace: "renku",
        name: "bulk-42",
      })) as Obj;
      expect(one.status).toEqual({ state: "running" });
    } finally {
      await bulk.cluster.stop();
    }
  });
});

describe("delete", () => {
  const cm = (name: string, owner?: { name: string; uid: string }) => ({
    metadata: {
      name,
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: "v1",
                kind: "Secret",
                name: owner.name,
                uid: owner.uid,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
    },
    data: { k: "v" },
  });

  it("leaves deletionTimestamp while finalizers remain; removing the last one deletes", async () => {
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "fin-1", finalizers: ["example.com/hold"] } },
    });
    await c.core.deleteNamespacedConfigMap({ name: "fin-1", namespace: ns });
    const still = await c.core.readNamespacedConfigMap({ name: "fin-1", namespace: ns });
    expect(still.metadata?.deletionTimestamp).toBeDefined();
    await c.core.patchNamespacedConfigMap(
      { name: "fin-1", namespace: ns, body: { metadata: { finalizers: null } } },
      merge,
    );
    expect(
      (await failure(c.core.readNamespacedConfigMap({ name: "fin-1", namespace: ns }))).code,
    ).toBe(404);
  });

  it("Foreground: the owner stays until its dependents are gone", async () => {
    const owner = await c.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: "own-1" } },
    });
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: cm("dep-1", { name: "own-1", uid: owner.metadata?.uid as string }),
    });
    await c.core.deleteNamespacedSecret({
      name: "own-1",
      namespace: ns,
      propagationPolicy: "Foreground",
    });
    const pending = await c.core.readNamespacedSecret({ name: "own-1", namespace: ns });
    expect(pending.metadata?.finalizers).toContain("foregroundDeletion");
    expect(pending.metadata?.deletionTimestamp).toBeDefined();
    await c.cluster.amalthea.settle();
    expect(
      (await failure(c.core.readNamespacedConfigMap({ name: "dep-1", namespace: ns }))).code,
    ).toBe(404);
    expect(
      (await failure(c.core.readNamespacedSecret({ name: "own-1", namespace: ns }))).code,
    ).toBe(404);
  });

  it("Background removes the owner now and the dependents after; Orphan keeps them", async () => {
    const o1 = await c.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: "own-2" } },
    });
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: cm("dep-2", { name: "own-2", uid: o1.metadata?.uid as string }),
    });
    const status = (await c.core.deleteNamespacedSecret({
      name: "own-2",
      namespace: ns,
      propagationPolicy: "Background",
    })) as unknown as { kind: string; status: string };
    expect(status).toMatchObject({ kind: "Status", status: "Success" });
    await c.cluster.amalthea.settle();
    expect(
      (await failure(c.core.readNamespacedConfigMap({ name: "dep-2", namespace: ns }))).code,
    ).toBe(404);

    const o2 = await c.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: "own-3" } },
    });
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: cm("dep-3", { name: "own-3", uid: o2.metadata?.uid as string }),
    });
    await c.core.deleteNamespacedSecret({
      name: "own-3",
      namespace: ns,
      propagationPolicy: "Orphan",
    });
    await c.cluster.amalthea.settle();
    const orphan = await c.core.readNamespacedConfigMap({ name: "dep-3", namespace: ns });
    expect(orphan.metadata?.ownerReferences).toBeUndefined();
  });

  it("honours gracePeriodSeconds for pods", async () => {
    const pod = {
      metadata: { name: "grace-1" },
      spec: { containers: [{ name: "c", image: "i" }] },
    };
    await c.core.createNamespacedPod({ namespace: ns, body: pod });
    const terminating = await c.core.deleteNamespacedPod({
      name: "grace-1",
      namespace: ns,
      gracePeriodSeconds: 30,
    });
    expect(terminating.metadata?.deletionGracePeriodSeconds).toBe(30);
    expect(
      (await c.core.readNamespacedPod({ name: "grace-1", namespace: ns })).metadata
        ?.deletionTimestamp,
    ).toBeDefined();
    await c.core.deleteNamespacedPod({ name: "grace-1", namespace: ns, gracePeriodSeconds: 0 });
    expect((await failure(c.core.readNamespacedPod({ name: "grace-1", namespace: ns }))).code).toBe(
      404,
    );

    await c.core.createNamespacedPod({
      namespace: ns,
      body: { ...pod, metadata: { name: "grace-2" } },
    });
    await c.core.deleteNamespacedPod({ name: "grace-2", namespace: ns, gracePeriodSeconds: 0 });
    expect((await failure(c.core.readNamespacedPod({ name: "grace-2", namespace: ns }))).code).toBe(
      404,
    );
  });

  it("answers 404 when deleting what is not there", async () => {
    const { code, status } = await failure(
      c.custom.deleteNamespacedCustomObject({ ...JS, namespace: ns, name: "gone" }),
    );
    expect(code).toBe(404);
    expect(status.reason).toBe("NotFound");
  });
});

describe("collections, namespaces and watch", () => {
  it("deletes a collection by label selector", async () => {
    for (const n of ["dc-1", "dc-2", "dc-3"])
      await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: n, labels: { batch: n === "dc-3" ? "keep" : "drop" } } },
      });
    await c.core.deleteCollectionNamespacedConfigMap({
      namespace: ns,
      labelSelector: "batch=drop",
    });
    const left = await c.core.listNamespacedConfigMap({ namespace: ns, labelSelector: "batch" });
    expect(left.items.map((x) => x.metadata?.name)).toEqual(["dc-3"]);
  });

  it("empties a namespace before it goes", async () => {
    await c.core.createNamespacedConfigMap({
      namespace: "other",
      body: { metadata: { name: "in-other" } },
    });
    await c.core.deleteNamespace({ name: "other" });
    expect((await c.core.readNamespace({ name: "other" })).status?.phase).toBe("Terminating");
    await c.cluster.amalthea.settle();
    expect((await failure(c.core.readNamespace({ name: "other" }))).code).toBe(404);
    expect(
      (await failure(c.core.readNamespacedConfigMap({ name: "in-other", namespace: "other" })))
        .code,
    ).toBe(404);
  });

  it("streams ADDED, MODIFIED and DELETED to a watch with a label selector", async () => {
    const seen: Array<[string, string]> = [];
    const w = await new Watch(c.kc).watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { labelSelector: "watched=yes" },
      (type, obj: { metadata: { name: string } }) => seen.push([type, obj.metadata.name]),
      () => undefined,
    );
    try {
      await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "w-1", labels: { watched: "yes" } } },
      });
      await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "w-2" } },
      });
      await c.core.patchNamespacedConfigMap(
        { name: "w-1", namespace: ns, body: { data: { a: "b" } } },
        merge,
      );
      await c.core.deleteNamespacedConfigMap({ name: "w-1", namespace: ns });
      await vi.waitFor(() => expect(seen).toHaveLength(3), { timeout: 60_000 });
      expect(seen).toEqual([
        ["ADDED", "w-1"],
        ["MODIFIED", "w-1"],
        ["DELETED", "w-1"],
      ]);
    } finally {
      w.abort();
    }
  });
});

describe("HTTP details", () => {
  it("answers 405 MethodNotAllowed for a POST on a named object", async () => {
    const res = await fetch(`${c.cluster.url}/api/v1/namespaces/${ns}/configmaps/x`, {
      method: "POST",
      body: "{}",
    });
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({
      kind: "Status",
      reason: "MethodNotAllowed",
      code: 405,
    });
  });

  it("serves a Table when asked, as kubectl does", async () => {
    await createJs("tbl-1");
    const res = await fetch(
      `${c.cluster.url}/apis/amalthea.dev/v1alpha1/namespaces/${ns}/jupyterservers/tbl-1`,
      {
        headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" },
      },
    );
    const table = (await res.json()) as {
      kind: string;
      columnDefinitions: Array<{ name: string }>;
      rows: Array<{ cells: unknown[] }>;
    };
    expect(table.kind).toBe("Table");
    expect(table.columnDefinitions.map((x) => x.name)).toEqual([
      "Name",
      "Image",
      "URL",
      "Pod Status",
      "Age",
    ]);
    expect(table.rows[0]?.cells.slice(0, 2)).toEqual(["tbl-1", "renku/py:3.10"]);
  });

  it("records each API request with its verb for an RBAC check", async () => {
    await getJs("tbl-1").catch(() => undefined);
    expect(c.cluster.requests).toContainEqual({
      method: "GET",
      path: `/apis/amalthea.dev/v1alpha1/namespaces/${ns}/jupyterservers/tbl-1`,
      verb: "get",
      group: "amalthea.dev",
      resource: "jupyterservers",
      namespace: ns,
      name: "tbl-1",
    });
    const verbs = new Set(c.cluster.requests.map((r) => r.verb));
    for (const v of ["get", "list", "create", "update", "patch", "delete"])
      expect(verbs).toContain(v);
  });
});

describe("injected faults", () => {
  it("answers 500, 503 and 429 with Status bodies, then recovers", async () => {
    c.cluster.faults.inject({
      method: "GET",
      pathPattern: /jupyterservers\/create-1$/,
      kind: "500",
    });
    c.cluster.faults.inject({
      method: "GET",
      pathPattern: /jupyterservers\/create-1$/,
      kind: "503",
    });
    c.cluster.faults.inject({
      method: "GET",
      pathPattern: /jupyterservers\/create-1$/,
      kind: "429",
    });
    const e500 = await failure(getJs("create-1"));
    expect([e500.code, e500.status.reason]).toEqual([500, "InternalError"]);
    const e503 = await failure(getJs("create-1"));
    expect([e503.code, e503.status.reason]).toEqual([503, "ServiceUnavailable"]);
    const e429 = await failure(getJs("create-1"));
    expect([e429.code, e429.status.reason]).toEqual([429, "TooManyRequests"]);
    expect(e429.headers["retry-after"]).toBe("1");
    expect((await getJs("create-1")).metadata.name).toBe("create-1");
    // Faulted requests are recorded too, so a test can count the service's retries.
    const gets = c.cluster.requests.filter((r) => r.verb === "get" && r.name === "create-1");
    expect(gets.length).toBeGreaterThanOrEqual(4);
  });

  it("resets the connection, `times` times", async () => {
    c.cluster.faults.inject({ pathPattern: /configmaps$/, kind: "reset", times: 2 });
    await expect(c.core.listNamespacedConfigMap({ namespace: ns })).rejects.toThrow();
    await expect(c.core.listNamespacedConfigMap({ namespace: ns })).rejects.toThrow();
    const ok = await c.core.listNamespacedConfigMap({ namespace: ns });
    expect(Array.isArray(ok.items)).toBe(true);
  });

  it("stalls: no answer until the client gives up", async () => {
    c.cluster.faults.inject({ pathPattern: /\/version$/, kind: "stall" });
    const controller = new AbortController();
    const pending = fetch(`${c.cluster.url}/version`, { signal: controller.signal });
    const outcome = await Promise.race([
      pending.then(() => "answered"),
      new Promise((r) => setTimeout(() => r("no answer"), 300)),
    ]);
    controller.abort();
    await pending.catch(() => undefined);
    expect(outcome).toBe("no answer");
    expect((await fetch(`${c.cluster.url}/version`)).status).toBe(200);
  });

  it("delivers a slow body intact, and clear() drops pending faults", async () => {
    c.cluster.faults.inject({ pathPattern: /jupyterservers\/create-1$/, kind: "slow-body" });
    expect((await getJs("create-1")).metadata.name).toBe("create-1");
    c.cluster.faults.inject({ pathPattern: /jupyterservers\/create-1$/, kind: "500", times: 5 });
    c.cluster.faults.clear();
    expect((await getJs("create-1")).metadata.name).toBe("create-1");
  });
});

/**
 * What kube-controller-manager and the kubelet would do with deletions: the garbage collector
 * (ownerReferences, Foreground/Orphan finalizers), graceful pod removal, namespace clean-up.
 * One `step()` is one pass; it reports whether it changed anything.
 */
import { randomBytes } from "node:crypto";
import type { KubeApi } from "./api.js";
import { RESOURCES } from "./resources.js";
import type { KObject, ResourceDef } from "./types.js";

export function dropFinalizer(
  api: KubeApi,
  def: ResourceDef,
  obj: KObject,
  finalizer: string,
): void {
  const live = api.store.peek(def, obj.metadata.namespace, obj.metadata.name);
  if (!live?.metadata.finalizers?.includes(finalizer)) return;
  const next = structuredClone(live);
  next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
  if (next.metadata.deletionTimestamp && !next.metadata.finalizers) {
    api.store.remove(def, next.metadata.namespace, next.metadata.name);
  } else api.store.put(def, next);
}

export class GarbageCollector {
  private dirty = true;
  /** A terminating pod the kubelet is still stopping (preStop hooks, grace period) stays. */
  holdPod: (pod: KObject) => boolean = () => false;

  /** Something outside the store changed (a hold ended): look again on the next step. */
  touch(): void {
    this.dirty = true;
  }

  constructor(private readonly api: KubeApi) {
    api.store.onChange((type, _def, obj) => {
      if (type === "DELETED" || obj.metadata.deletionTimestamp) this.dirty = true;
    });
  }

  step(): boolean {
    if (!this.dirty) return false;
    this.dirty = false;
    let changed = false;
    for (const def of RESOURCES) {
      for (const obj of [...this.api.store.all(def)]) {
        if (obj.metadata.deletionTimestamp) changed = this.finish(def, obj) || changed;
        else if (obj.metadata.ownerReferences?.length && this.ownersGone(obj)) {
          this.api.delete(def, obj.metadata.namespace, obj.metadata.name, {
            gracePeriodSeconds: 0,
          });
          changed = true;
        }
      }
    }
    if (changed) this.dirty = true;
    return changed;
  }

  private ownersGone(obj: KObject): boolean {
    return (obj.metadata.ownerReferences ?? []).every((r) => !this.api.byUid.has(r.uid));
  }

  private finish(def: ResourceDef, obj: KObject): boolean {
    const fins = obj.metadata.finalizers ?? [];
    if (def.resource === "namespaces") return this.cleanNamespace(obj);
    if (fins.includes("foregroundDeletion")) {
      const deps = this.api.dependentsOf(obj.metadata.uid);
      if (deps.length === 0) {
        dropFinalizer(this.api, def, obj, "foregroundDeletion");
        return true;
      }
      let changed = false;
      for (const d of deps) {
        if (d.obj.metadata.deletionTimestamp) continue;
        this.api.delete(d.def, d.obj.metadata.namespace, d.obj.metadata.name, {
          propagationPolicy: "Foreground",
        });
        changed = true;
      }
      return changed;
    }
    if (fins.includes("orphan")) {
      for (const d of this.api.dependentsOf(obj.metadata.uid)) {
        const next = structuredClone(d.obj);
        next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter(
          (r) => r.uid !== obj.metadata.uid,
        );
        if (!next.metadata.ownerReferences.length) delete next.metadata.ownerReferences;
        this.api.store.put(d.def, next);
      }
      dropFinalizer(this.api, def, obj, "orphan");
      return true;
    }
    if (def.resource === "pods" && fins.length === 0) {
      if (this.holdPod(obj)) return false;
      // The kubelet has stopped the containers: the pod object goes.
      this.api.store.remove(def, obj.metadata.namespace, obj.metadata.name);
      return true;
    }
    return false;
  }

  private cleanNamespace(ns: KObject): boolean {
    let left = 0;
    for (const def of RESOURCES) {
      if (!def.namespaced) continue;
      for (const o of [...this.api.store.all(def)]) {
        if (o.metadata.namespace !== ns.metadata.name) continue;
        left++;
        if (!o.metadata.deletionTimestamp)
          this.api.delete(def, o.metadata.namespace, o.metadata.name, { gracePeriodSeconds: 0 });
        else if (o.metadata.finalizers?.length) {
          for (const f of o.metadata.finalizers) dropFinalizer(this.api, def, o, f);
        }
      }
    }
    if (left === 0) {
      const def = RESOURCES.find((r) => r.resource === "namespaces") as ResourceDef;
      this.api.store.remove(def, undefined, ns.metadata.name);
    }
    return true;
  }
}

/** Writes a core/v1 Event about `involved`, folding repeats into `count` like the event recorder. */
export function recordEvent(
  api: KubeApi,
  involved: KObject,
  reason: string,
  message: string,
  // "Error": kopf posts a logged error as an event of that type (core/v1 accepts any type).
  opts: { type?: "Normal" | "Warning" | "Error"; component?: string; fieldPath?: string } = {},
): void {
  const def = RESOURCES.find((r) => r.resource === "events") as ResourceDef;
  const ns = involved.metadata.namespace ?? "default";
  const existing = api.store
    .all(def)
    .find(
      (e) =>
        e.metadata.namespace === ns &&
        (e.involvedObject as { uid?: string }).uid === involved.metadata.uid &&
        e.reason === reason &&
        e.message === message,
    );
  const now = api.timestamp();
  if (existing) {
    const next = structuredClone(existing);
    next.count = Number(next.count ?? 1) + 1;
    next.lastTimestamp = now;
    api.store.put(def, next);
    return;
  }
  const involvedObject: Record<string, string> = {
    kind: involved.kind,
    namespace: ns,
    name: involved.metadata.name,
    uid: involved.metadata.uid,
    apiVersion: involved.apiVersion,
    resourceVersion: involved.metadata.resourceVersion,
  };
  if (opts.fieldPath) involvedObject.fieldPath = opts.fieldPath;
  api.create(def, ns, {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: `${involved.metadata.name}.${randomBytes(8).toString("hex")}`,
      namespace: ns,
    },
    involvedObject,
    reason,
    message,
    type: opts.type ?? "Normal",
    source: { component: opts.component ?? "kubelet" },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    reportingComponent: opts.component ?? "kubelet",
    reportingInstance: "",
  });
}

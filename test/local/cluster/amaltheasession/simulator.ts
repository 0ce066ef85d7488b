/**
 * The simulated AmaltheaSession operator (Amalthea 0.31.0, amaltheasession.md §4.2 and §5).
 * One `advance()` is one pass: reconcile each session (deletion and finalizer, first status,
 * secrets finalizer, runID, children under its reconcileStrategy), then the StatefulSet
 * controller, one kubelet transition, the StatefulSet status, the garbage collector, the status
 * write through /status, and the culling timers (delete after maxHibernatedDuration, auto-hibernate).
 */
import { randomBytes } from "node:crypto";
import { type Fault, faultOf } from "../amalthea/faults.js";
import type { PodModel } from "../amalthea/pod-model.js";
import type { KubeApi } from "../api.js";
import { dropFinalizer, type GarbageCollector } from "../gc.js";
import { JSON_PATCH } from "../patch.js";
import { AMALTHEA_SESSIONS as AMS, RESOURCES, resourceByKind } from "../resources.js";
import { KubeError } from "../status.js";
import type { KObject, ResourceDef } from "../types.js";
import { durationMs, goDuration } from "./duration.js";
import {
  type AmsSpec,
  adoptedSecrets,
  type Rendered,
  renderChildren,
  sessionUrl,
  specOf,
} from "./render.js";
import { computeStatus, willHibernateAt } from "./status.js";
import { PODS, SessionWorkload, STS } from "./workload.js";

export const SECRETS_FINALIZER = "amalthea.dev/secrets-finalizer";
const def = (resource: string) => RESOURCES.find((r) => r.resource === resource) as ResourceDef;
const SECRETS = def("secrets");
const EVENTS = def("events");
const INGRESSES = def("ingresses");

interface Session {
  ns: string;
  name: string;
  fault: Fault | undefined;
  /** The render error of the last reconcile (the status is not written then). */
  renderError?: string;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** A ULID, as the operator uses for runID. */
function ulid(nowMs: number): string {
  let time = "";
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const rand = [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join("");
  return time + rand;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Keys under the kubernetes.io / k8s.io domains survive a relabel (cc.go). */
const keepK8s = (old: Record<string, string> | undefined, fresh: Record<string, string>) => ({
  ...Object.fromEntries(
    Object.entries(old ?? {}).filter(([k]) => /(^|\.)(kubernetes\.io|k8s\.io)\//.test(k)),
  ),
  ...fresh,
});

export class AmaltheaSessionSimulator {
  private readonly sessions = new Map<string, Session>();
  readonly workload: SessionWorkload;
  bulkLoading = false;

  constructor(
    private readonly api: KubeApi,
    private readonly gc: GarbageCollector,
  ) {
    this.workload = new SessionWorkload(
      api,
      gc,
      (ns, name) => api.store.peek(AMS, ns, name)?.metadata.annotations,
      undefined,
      (ns, name) => {
        const cr = api.store.peek(AMS, ns, name);
        return cr ? (specOf(cr).session.urlPath ?? "/") : undefined;
      },
    );
    api.store.onChange((type, d, obj) => {
      if (d !== AMS) return;
      const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
      if (type === "ADDED" && !this.bulkLoading)
        this.sessions.set(key, {
          ns: obj.metadata.namespace ?? "",
          name: obj.metadata.name,
          fault: faultOf(obj),
        });
      if (type === "DELETED") this.sessions.delete(key);
    });
  }

  logs(ns: string, pod: string): PodModel | undefined {
    return this.workload.model(ns, pod);
  }

  advance(ns?: string, name?: string): boolean {
    let changed = false;
    const selected = [...this.sessions.values()].filter(
      (s) => (!ns || s.ns === ns) && (!name || s.name === name),
    );
    for (const s of selected) changed = this.reconcile(s) || changed;
    for (const s of selected) changed = this.workload.controller(s.ns, s.name, s.fault) || changed;
    for (const s of selected) changed = this.workload.kubelet(s.ns, s.name) || changed;
    for (const s of selected) changed = this.workload.statefulSetStatus(s.ns, s.name) || changed;
    changed = this.gc.step() || changed;
    for (const s of selected) changed = this.writeStatus(s) || changed;
    for (const s of selected) changed = this.cull(s) || changed;
    return changed;
  }

  settle(maxPasses = 500): void {
    for (let i = 0; i < maxPasses; i++) if (!this.advance()) return;
  }

  private cr(s: Session): KObject | undefined {
    return this.api.store.peek(AMS, s.ns, s.name);
  }

  private putStatus(s: Session, status: Record<string, unknown>): void {
    this.api.patch(
      AMS,
      s.ns,
      s.name,
      [{ op: "add", path: "/status", value: status }],
      JSON_PATCH,
      "status",
    );
  }

  /**
   * A full Update, as the operator's Go client sends it: `spec` comes back re-serialised, so
   * durations read "24h0m0s" and an absent `culling` appears with zero values (§5.7).
   */
  private fullUpdate(s: Session, cr: KObject, change: (next: KObject) => void): void {
    const next = structuredClone(cr);
    const spec = next.spec as AmsSpec;
    const culling = (spec.culling ?? {}) as Record<string, unknown>;
    for (const k of [
      "maxAge",
      "maxIdleDuration",
      "maxStartingDuration",
      "maxFailedDuration",
      "maxHibernatedDuration",
    ])
      culling[k] = goDuration(culling[k] as string | undefined);
    culling.cpuIdleThreshold ??= "0";
    spec.culling = culling as AmsSpec["culling"];
    change(next);
    this.api.update(AMS, s.ns, s.name, next);
  }

  /** The start of ctl.go's reconcileInner, up to the children; each write is read back, as there. */
  private reconcile(s: Session): boolean {
    let cr = this.cr(s);
    if (!cr) return false;
    const status = (cr.status ?? {}) as Record<string, unknown>;
    if (cr.metadata.deletionTimestamp) return this.finalize(s, cr, status);
    let changed = false;
    // Never reconciled: the URL is written first (ctl.go:147).
    const keys = Object.keys(status);
    if (keys.length === 2 && status.state === "NotReady" && status.idle === false) {
      this.putStatus(s, { ...status, url: sessionUrl(specOf(cr)) });
      cr = this.cr(s) as KObject;
      changed = true;
    }
    if (adoptedSecrets(specOf(cr)).length && !cr.metadata.finalizers?.includes(SECRETS_FINALIZER)) {
      this.fullUpdate(s, cr, (next) => {
        next.metadata.finalizers = [...(next.metadata.finalizers ?? []), SECRETS_FINALIZER];
      });
      cr = this.cr(s) as KObject;
      changed = true;
    }
    const rendered = renderChildren(cr, this.runID(cr));
    if ("error" in rendered) {
      s.renderError = rendered.error;
      return changed;
    }
    delete s.renderError;
    return this.applyChildren(s, cr, rendered) || changed;
  }

  private runID(cr: KObject): string {
    if (specOf(cr).hibernated) return "";
    const current = (cr.status as { runID?: string } | undefined)?.runID;
    return current || ulid(this.api.now().getTime());
  }

  /** While deleting: state NotReady, then the adopted secrets go and the finalizer with them. */
  private finalize(s: Session, cr: KObject, status: Record<string, unknown>): boolean {
    let changed = false;
    if (status.state !== "NotReady") {
      // Only the state changes (ctl.go:173-203).
      this.putStatus(s, { ...status, state: "NotReady" });
      changed = true;
    }
    if (!cr.metadata.finalizers?.includes(SECRETS_FINALIZER)) return changed;
    for (const name of adoptedSecrets(specOf(cr)))
      if (this.api.store.peek(SECRETS, s.ns, name)) this.api.delete(SECRETS, s.ns, name, {});
    dropFinalizer(this.api, AMS, cr, SECRETS_FINALIZER);
    return true;
  }

  private applyChildren(s: Session, cr: KObject, rendered: Rendered): boolean {
    const spec = specOf(cr);
    const strategy = spec.reconcileStrategy ?? "always";
    const prevState = (cr.status as { state?: string } | undefined)?.state;
    const full =
      strategy === "always" ||
      (strategy === "whenFailedOrHibernated" &&
        (prevState === "Failed" || prevState === "Hibernated"));
    let changed = false;
    const children = [
      rendered.statefulset,
      rendered.service,
      rendered.pvc,
      rendered.secret,
      ...rendered.dataSourcePvcs,
      ...(rendered.ingress ? [rendered.ingress] : []),
    ];
    for (const manifest of children) {
      const childDef = resourceByKind(String(manifest.apiVersion), String(manifest.kind));
      const meta = manifest.metadata as { name: string };
      if (!childDef) continue;
      const existing = this.api.store.peek(childDef, s.ns, meta.name);
      if (!existing) {
        try {
          this.api.create(childDef, s.ns, manifest);
          changed = true;
        } catch (err) {
          if (!(err instanceof KubeError)) throw err;
        }
        continue;
      }
      const next = structuredClone(existing);
      patchChild(next, manifest as unknown as KObject, full);
      if (same(next, existing)) continue;
      try {
        this.api.update(childDef, s.ns, meta.name, next);
      } catch (err) {
        if (!(err instanceof KubeError)) throw err;
        continue; // refused: the operator logs it and requeues
      }
      changed = true;
      if (childDef === STS) this.rollIfTemplateChanged(s, existing, next);
    }
    return changed;
  }

  /** A changed pod template replaces the running pod (the StatefulSet is Parallel). */
  private rollIfTemplateChanged(s: Session, before: KObject, after: KObject): void {
    const tmpl = (o: KObject) => (o.spec as { template?: unknown }).template;
    if (same(tmpl(before), tmpl(after))) return;
    const pod = this.api.store.peek(PODS, s.ns, `${s.name}-0`);
    if (pod && !pod.metadata.deletionTimestamp)
      this.api.delete(PODS, s.ns, pod.metadata.name, { gracePeriodSeconds: 0 });
  }

  private statusInput(s: Session, cr: KObject) {
    const pod = this.api.store.peek(PODS, s.ns, `${s.name}-0`);
    const sts = this.api.store.peek(STS, s.ns, s.name);
    const events = this.api.store.all(EVENTS).filter((e) => e.metadata.namespace === s.ns);
    const about = (o: KObject | undefined, reason: string) =>
      o
        ? events
            .filter(
              (e) =>
                (e.involvedObject as { uid?: string }).uid === o.metadata.uid &&
                e.reason === reason,
            )
            .sort((a, b) => String(a.lastTimestamp).localeCompare(String(b.lastTimestamp)))
        : [];
    const failed = about(pod, "FailedScheduling");
    const scheduled = about(pod, "Scheduled");
    const lastFailed = failed.at(-1);
    return {
      cr,
      sts,
      pod,
      failedScheduling: lastFailed
        ? {
            message: String(lastFailed.message),
            scheduledSince:
              scheduled.length > 0 &&
              String(scheduled.at(-1)?.lastTimestamp) > String(lastFailed.lastTimestamp),
          }
        : undefined,
      quotaFailedCreate: about(sts, "FailedCreate").some((e) =>
        String(e.message).includes("exceeded quota"),
      ),
      ingressExists: Boolean(this.api.store.peek(INGRESSES, s.ns, s.name)),
      runID: this.runID(cr),
      now: this.api.now(),
    };
  }

  private writeStatus(s: Session): boolean {
    const cr = this.cr(s);
    if (!cr || cr.metadata.deletionTimestamp || s.renderError) return false;
    const prev = (cr.status ?? {}) as Record<string, unknown>;
    if (prev.url === undefined) return false; // the first pass has not run yet
    if (!this.api.store.peek(STS, s.ns, s.name)) return false;
    const next = computeStatus(this.statusInput(s, cr));
    if (same(next, prev)) return false;
    this.putStatus(s, next);
    return true;
  }

  /** NeedsDeletion after maxHibernatedDuration, then auto-hibernation (ch.go:491-511, cull.go). */
  private cull(s: Session): boolean {
    const cr = this.cr(s);
    if (!cr || cr.metadata.deletionTimestamp) return false;
    const spec = specOf(cr);
    const status = (cr.status ?? {}) as { state?: string; hibernatedSince?: string };
    const now = this.api.now().getTime();
    const maxHibernated = durationMs(spec.culling?.maxHibernatedDuration);
    if (
      status.state === "Hibernated" &&
      maxHibernated > 0 &&
      status.hibernatedSince &&
      now - Date.parse(status.hibernatedSince) > maxHibernated
    ) {
      this.api.delete(AMS, s.ns, s.name, {});
      return true;
    }
    const deadline = willHibernateAt(cr, status as Record<string, unknown>);
    if (
      !spec.hibernated &&
      status.state !== "Hibernated" &&
      deadline !== undefined &&
      deadline <= now
    ) {
      this.fullUpdate(s, cr, (next) => {
        (next.spec as AmsSpec).hibernated = true;
      });
      return true;
    }
    return false;
  }
}

/**
 * Copies the rendered fields onto an existing child (cc.go:97-383): replicas and the scheduling
 * fields always, everything else only when the reconcile strategy allows a full update.
 */
function patchChild(next: KObject, rendered: KObject, full: boolean): void {
  const spec = next.spec as Record<string, unknown> | undefined;
  const want = rendered.spec as Record<string, unknown> | undefined;
  if (next.kind === "StatefulSet" && spec && want) {
    spec.replicas = want.replicas;
    const podSpec = (spec.template as { spec: Record<string, unknown> }).spec;
    const wantPod = (want.template as { spec: Record<string, unknown> }).spec;
    for (const k of ["tolerations", "affinity", "nodeSelector", "priorityClassName"]) {
      if (wantPod[k] === undefined) delete podSpec[k];
      else podSpec[k] = structuredClone(wantPod[k]);
    }
  }
  if (!full) return;
  const wantMeta = rendered.metadata;
  next.metadata.labels = keepK8s(next.metadata.labels, wantMeta.labels ?? {});
  next.metadata.annotations = keepK8s(next.metadata.annotations, wantMeta.annotations ?? {});
  if (!spec || !want) {
    if (next.kind === "Secret")
      next.data = { ...(next.data as object), ...(rendered.data as object) };
    return;
  }
  switch (next.kind) {
    case "StatefulSet":
      spec.template = structuredClone(want.template);
      spec.selector = structuredClone(want.selector);
      break;
    case "Service":
      spec.ports = structuredClone(want.ports);
      spec.selector = structuredClone(want.selector);
      break;
    case "Ingress":
      next.spec = structuredClone(want);
      break;
    case "PersistentVolumeClaim": {
      (spec.resources as Record<string, unknown>).requests = structuredClone(
        (want.resources as Record<string, unknown>).requests,
      );
      if (want.storageClassName) spec.storageClassName = want.storageClassName;
      break;
    }
  }
}

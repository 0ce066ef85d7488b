/**
 * The simulated Amalthea operator plus the StatefulSet controller and kubelet it relies on.
 * One `advance()` runs one reconcile pass: create_fn for new JupyterServers, hibernation and
 * resources handlers, the StatefulSet controller, one kubelet transition per pod, the garbage
 * collector, then update_server_state writes the CR status (amalthea.md A.5-A.9).
 */

import { STATUS_CODES } from "node:http";
import { SessionWorkload } from "../amaltheasession/workload.js";
import type { KubeApi } from "../api.js";
import { dropFinalizer, type GarbageCollector, recordEvent } from "../gc.js";
import { JSON_PATCH, MERGE_PATCH } from "../patch.js";
import { RESOURCES, resourceByKind } from "../resources.js";
import { KubeError } from "../status.js";
import type { KObject, ResourceDef } from "../types.js";
import { type Fault, faultOf, QUOTA_EXCEEDED_MESSAGE } from "./faults.js";
import type { GitState } from "./git-session.js";
import { JUPYTER_ROLES, type LogLine, type PodModel } from "./pod-model.js";
import { podPortAnswer } from "./pod-port.js";
import { fullServerUrl, PARENT_NAME, patchChildren, renderChildren, specOf } from "./render.js";

const KOPF_FINALIZER = "kopf.zalando.org/KopfFinalizerMarker";
const def = (resource: string) => RESOURCES.find((r) => r.resource === resource) as ResourceDef;
const JS = def("jupyterservers");
const STS = def("statefulsets");
const PODS = def("pods");

interface Session {
  ns: string;
  name: string;
  createError?: string;
  /** create_fn raised on a child the API server refused: kopf retries it, and fails again. */
  createRefused?: boolean;
  fault: Fault | undefined;
  childKeys: Record<string, { def: ResourceDef; name: string }>;
  deleteStarted?: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function parseQuantity(q: unknown): number {
  if (typeof q === "number") return q;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q ?? ""));
  if (!m) return 100 * 2 ** 20;
  const mult: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Math.round(Number(m[1]) * (m[2] ? (mult[m[2]] ?? 1) : 1));
}

/** `get_labels` of the operator: the CR's labels, then Amalthea's own. */
function amaltheaLabels(cr: KObject, name: string, extra: Record<string, string>) {
  return {
    ...(cr.metadata.labels ?? {}),
    "app.kubernetes.io/component": "jupyterserver",
    "amalthea.dev/parent-uid": cr.metadata.uid,
    [PARENT_NAME]: name,
    ...extra,
  };
}

/**
 * create_fn's rendering: the templates, then `spec.patches`. A template that fails to render
 * fails the handler as a failing patch does.
 */
function renderAndPatch(name: string, spec: ReturnType<typeof specOf>) {
  let children: ReturnType<typeof renderChildren>;
  try {
    children = renderChildren(name, spec);
  } catch (err) {
    return { error: `rendering the templates failed: ${(err as Error).message}` };
  }
  const rendered = patchChildren(children, spec.patches);
  if ("error" in rendered) return rendered;
  // The on.field handler for `hibernated` runs right after creation.
  const sts = rendered.children.statefulset as { spec?: { replicas?: number } } | undefined;
  if (spec.jupyterServer.hibernated && sts?.spec) sts.spec.replicas = 0;
  return rendered;
}

export class AmaltheaSimulator {
  private readonly sessions = new Map<string, Session>();
  /** The StatefulSet controller and kubelet, shared with the AmaltheaSession simulator. */
  readonly workload: SessionWorkload;
  bulkLoading = false;

  constructor(
    private readonly api: KubeApi,
    private readonly gc: GarbageCollector,
  ) {
    this.workload = new SessionWorkload(
      api,
      gc,
      (ns, name) => api.store.peek(JS, ns, name)?.metadata.annotations,
      JUPYTER_ROLES,
    );
    api.store.onChange((type, d, obj) => {
      const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
      if (d === JS && type === "ADDED" && !this.bulkLoading)
        this.sessions.set(key, {
          ns: obj.metadata.namespace ?? "",
          name: obj.metadata.name,
          fault: faultOf(obj),
          childKeys: {},
        });
      if (d === JS && type === "DELETED") this.sessions.delete(key);
    });
  }

  logs(ns: string, pod: string): PodModel | undefined {
    return this.workload.model(ns, pod);
  }

  /** One pass over every simulated session (or just one); true if anything changed. */
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
    for (const s of selected) changed = this.updateServerState(s) || changed;
    return changed;
  }

  settle(maxPasses = 500): void {
    for (let i = 0; i < maxPasses; i++) if (!this.advance()) return;
  }

  private cr(s: Session): KObject | undefined {
    return this.api.store.peek(JS, s.ns, s.name);
  }

  private patchCr(s: Session, ops: unknown[]): void {
    this.api.patch(JS, s.ns, s.name, ops, JSON_PATCH);
  }

  private reconcile(s: Session): boolean {
    const cr = this.cr(s);
    if (!cr) return false;
    if (cr.metadata.deletionTimestamp) return this.deleteFn(s, cr);
    if (!cr.metadata.finalizers?.includes(KOPF_FINALIZER) && !s.createError)
      return this.createFn(s, cr);
    if (s.createError) return false;
    return this.hibernationHandler(s, cr) || this.resourcesHandler(s, cr);
  }

  private createFn(s: Session, cr: KObject): boolean {
    const spec = specOf(cr);
    const now = this.api.timestamp();
    const rendered = renderAndPatch(s.name, spec);
    const ops: unknown[] = [
      {
        op: "add",
        path: "/metadata/finalizers",
        value: [...(cr.metadata.finalizers ?? []), KOPF_FINALIZER],
      },
      {
        op: "add",
        path: "/metadata/annotations",
        value: { ...(cr.metadata.annotations ?? {}), "renku.io/lastActivityDate": now },
      },
    ];
    if ("error" in rendered) {
      s.createError = rendered.error;
      this.patchCr(s, [
        ...ops,
        {
          op: "add",
          path: "/status",
          value: {
            ...(cr.status as object),
            state: "failed",
            failedSince: now,
            startingSince: now,
            message: `Handler 'create_fn' failed permanently: ${rendered.error}`,
          },
        },
      ]);
      recordEvent(
        this.api,
        cr,
        "Error",
        `Handler 'create_fn' failed permanently: ${rendered.error}`,
        { type: "Warning", component: "kopf" },
      );
      return true;
    }
    const createdResources: Record<string, string> = {};
    for (const [key, manifest] of Object.entries(rendered.children)) {
      const childDef = resourceByKind(String(manifest.apiVersion), String(manifest.kind));
      if (!childDef || !isObj(manifest.metadata)) continue; // kinds this cluster does not serve
      const meta = manifest.metadata as Record<string, unknown>;
      // kopf.label and kopf.adopt only fill in labels the child does not have already.
      meta.labels = {
        ...amaltheaLabels(cr, s.name, { "amalthea.dev/child-key": key }),
        ...(isObj(meta.labels) ? (meta.labels as Record<string, string>) : {}),
      };
      meta.ownerReferences = [
        {
          apiVersion: cr.apiVersion,
          kind: cr.kind,
          name: s.name,
          uid: cr.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ];
      if (key === "statefulset") {
        const tmpl = (manifest.spec as { template: { metadata?: { labels?: Obj } } }).template;
        tmpl.metadata ??= {};
        tmpl.metadata.labels = {
          ...amaltheaLabels(cr, s.name, { "amalthea.dev/main-pod": "true" }),
          ...(tmpl.metadata.labels ?? {}),
        };
      }
      try {
        const created = this.api.create(childDef, s.ns, manifest);
        createdResources[key] = created.metadata.uid;
        s.childKeys[key] = { def: childDef, name: created.metadata.name };
      } catch (err) {
        if (!(err instanceof KubeError)) throw err;
        return this.createFnRaised(s, cr, ops, now, err);
      }
    }
    this.patchCr(s, [
      ...ops,
      {
        op: "add",
        path: "/status",
        value: {
          ...(cr.status as object),
          state: "starting",
          startingSince: now,
          containerStates: { init: {}, regular: {} },
          create_fn: { createdResources, fullServerURL: fullServerUrl(spec) },
        },
      },
    ]);
    return true;
  }

  /**
   * A child the API server refused: create_fn raises the client's exception after the children
   * created before it (service, ingress, then the StatefulSet). kopf posts it as an Error event
   * on the JupyterServer (its traceback's frames left out here) and keeps the status create_fn
   * patched first, `starting`; its retries fail again (on the children that exist by then) and
   * are not modelled. No pod ever comes: the session is `starting` until someone looks.
   */
  private createFnRaised(
    s: Session,
    cr: KObject,
    ops: unknown[],
    now: string,
    err: KubeError,
  ): boolean {
    s.createRefused = true;
    this.patchCr(s, [
      ...ops,
      {
        op: "add",
        path: "/status",
        value: { ...(cr.status as object), state: "starting", startingSince: now },
      },
    ]);
    // The Python client's exception names the HTTP status and its phrase, then the Status body.
    const reason = STATUS_CODES[err.code] ?? "";
    const exception =
      err.code === 422
        ? "UnprocessableEntityError"
        : err.code === 403
          ? "ForbiddenError"
          : "ApiException";
    recordEvent(
      this.api,
      cr,
      "Logging",
      `Handler 'create_fn' failed with an exception. Will retry.\nTraceback (most recent call last):\nkubernetes.dynamic.exceptions.${exception}: ${err.code}\nReason: ${reason}\nHTTP response body: ${JSON.stringify(err.body)}`,
      { type: "Error", component: "kopf" },
    );
    return true;
  }

  private deleteFn(s: Session, cr: KObject): boolean {
    // delete_fn patches `stopping` once; update_server_state may then write `hibernated` (A.5
    // puts it first), so the state is no marker of progress: a hibernated session must go too.
    if (!s.deleteStarted) {
      s.deleteStarted = true;
      this.patchCr(s, [{ op: "add", path: "/status/state", value: "stopping" }]);
      return true;
    }
    // With Foreground propagation the garbage collector removes the children first.
    if (cr.metadata.finalizers?.includes("foregroundDeletion")) return false;
    if (cr.metadata.finalizers?.includes(KOPF_FINALIZER)) {
      dropFinalizer(this.api, JS, cr, KOPF_FINALIZER);
      return true;
    }
    return false;
  }

  private sts(s: Session): KObject | undefined {
    return this.api.store.peek(STS, s.ns, s.name);
  }

  private hibernationHandler(s: Session, cr: KObject): boolean {
    const sts = this.sts(s);
    if (!sts) return false;
    const hibernated = specOf(cr).jupyterServer.hibernated;
    const want = hibernated ? 0 : 1;
    if ((sts.spec as { replicas?: number }).replicas === want) return false;
    this.api.patch(STS, s.ns, s.name, { spec: { replicas: want } }, MERGE_PATCH);
    if (!hibernated) {
      const annotations = Object.fromEntries(
        Object.entries(cr.metadata.annotations ?? {}).filter(
          ([k]) => !k.startsWith("renku.io/hibernation"),
        ),
      );
      const status = { ...(cr.status as Record<string, unknown>) };
      delete status.containerStates;
      status.mainPod = {};
      status.state = "starting";
      status.startingSince = this.api.timestamp();
      this.patchCr(s, [
        { op: "add", path: "/metadata/annotations", value: annotations },
        { op: "add", path: "/status", value: status },
      ]);
    }
    return true;
  }

  private resourcesHandler(s: Session, cr: KObject): boolean {
    const sts = this.sts(s);
    if (!sts) return false;
    const want = specOf(cr).jupyterServer.resources ?? {};
    const tmpl = (
      sts.spec as { template: { spec: { containers: Array<{ resources?: unknown }> } } }
    ).template.spec;
    if (JSON.stringify(tmpl.containers[0]?.resources ?? {}) === JSON.stringify(want)) return false;
    this.api.patch(
      STS,
      s.ns,
      s.name,
      [{ op: "add", path: "/spec/template/spec/containers/0/resources", value: want }],
      JSON_PATCH,
    );
    // The template changed: the StatefulSet rolls the pod.
    if (this.api.store.peek(PODS, s.ns, `${s.name}-0`))
      this.api.delete(PODS, s.ns, `${s.name}-0`, { gracePeriodSeconds: 0 });
    if (!specOf(cr).jupyterServer.hibernated)
      this.patchCr(s, [
        { op: "add", path: "/status/state", value: "starting" },
        { op: "add", path: "/status/startingSince", value: this.api.timestamp() },
      ]);
    return true;
  }

  /** The session's git working state: the annotation over what git-clone checked out. */
  gitState(ns: string, name: string): GitState | undefined {
    return this.sessions.has(`${ns}/${name}`) ? this.workload.gitState(ns, name) : undefined;
  }

  /**
   * A request through the API server's service proxy: answered by the ready container behind the
   * Service's target port (the git sidecar), else the API server's 503.
   */
  serviceProxy(
    ns: string,
    service: KObject,
    method: string,
    path: string,
    body: unknown,
  ): { code: number; body: unknown } {
    const spec = (service.spec ?? {}) as {
      selector?: Record<string, string>;
      ports?: Array<{ targetPort?: number | string }>;
    };
    const app = spec.selector?.app;
    const answer = podPortAnswer(
      app ? this.api.store.peek(PODS, ns, `${app}-0`) : undefined,
      app ? this.workload.model(ns, `${app}-0`) : undefined,
      Number(spec.ports?.[0]?.targetPort),
      { method, path, body },
      app ? this.gitState(ns, app) : undefined,
    );
    return (
      answer ?? { code: 503, body: `no endpoints available for service "${service.metadata.name}"` }
    );
  }

  /** update_server_state + update_status: derive state, containerStates, mainPod, children, events. */
  private updateServerState(s: Session): boolean {
    const cr = this.cr(s);
    if (!cr || s.createError || !cr.metadata.finalizers?.includes(KOPF_FINALIZER)) return false;
    const prev = (cr.status ?? {}) as Record<string, unknown>;
    const status: Record<string, unknown> = structuredClone(prev);
    const spec = specOf(cr);
    const podName = `${s.name}-0`;
    const pod = this.api.store.peek(PODS, s.ns, podName);
    const model = this.workload.model(s.ns, podName);
    const now = this.api.timestamp();

    const children: Record<string, unknown> = {};
    for (const [key, c] of Object.entries(s.childKeys)) {
      const child = this.api.store.peek(c.def, s.ns, c.name);
      if (child)
        children[key] = {
          uid: child.metadata.uid,
          name: child.metadata.name,
          kind: child.kind,
          apiVersion: child.apiVersion,
          status: child.status ?? null,
        };
    }
    status.children = children;

    if (s.fault?.kind === "quota" && this.workload.quotaRefused(s.ns, s.name))
      status.events = { statefulset: { message: QUOTA_EXCEEDED_MESSAGE, timestamp: now } };
    const quota =
      (status.events as { statefulset?: { message?: string } } | undefined)?.statefulset
        ?.message === QUOTA_EXCEEDED_MESSAGE;
    if (quota && isObj(prev.events)) status.events = prev.events;

    if (pod && model) {
      const podStatus = pod.status as Record<string, unknown>;
      const running = model.regular.some((c) => "running" in c.state);
      status.mainPod = {
        uid: pod.metadata.uid,
        name: podName,
        kind: "Pod",
        apiVersion: "v1",
        status: podStatus,
        resourceUsage: {
          cpuMillicores: running ? 12 : 0,
          memoryBytes: running ? 157286400 : 0,
          disk: (() => {
            const total = parseQuantity(spec.storage.size);
            const used = Math.min(total, 48 * 2 ** 20);
            return { usedBytes: used, availableBytes: total - used, totalBytes: total };
          })(),
        },
      };
      status.containerStates = {
        init: Object.fromEntries(
          model.init.map((c) => [
            c.name,
            spec.jupyterServer.hibernated ? "waiting" : model.stepStatus(c),
          ]),
        ),
        regular: Object.fromEntries(
          model.regular.map((c) => [
            c.name,
            spec.jupyterServer.hibernated ? "waiting" : model.stepStatus(c),
          ]),
        ),
      };
    } else {
      status.mainPod = {};
      if (spec.jupyterServer.hibernated) {
        const tmpl =
          (
            this.sts(s)?.spec as
              | {
                  template?: {
                    spec?: {
                      initContainers?: Array<{ name: string }>;
                      containers?: Array<{ name: string }>;
                    };
                  };
                }
              | undefined
          )?.template?.spec ?? {};
        status.containerStates = {
          init: Object.fromEntries((tmpl.initContainers ?? []).map((c) => [c.name, "waiting"])),
          regular: Object.fromEntries((tmpl.containers ?? []).map((c) => [c.name, "waiting"])),
        };
      }
    }

    // Overall state, first rule that matches (A.5).
    let state: string;
    const podStatus = (pod?.status ?? {}) as {
      phase?: string;
      conditions?: Array<{
        type: string;
        status: string;
        reason?: string;
        message?: string;
        lastTransitionTime?: string;
      }>;
    };
    const conditions = podStatus.conditions ?? [];
    const newest = [...conditions].sort((a, b) =>
      String(b.lastTransitionTime).localeCompare(String(a.lastTransitionTime)),
    )[0];
    const unschedulable =
      podStatus.phase === "Pending" &&
      conditions.some(
        (c) => c.reason === "Unschedulable" && !String(c.message).includes("persistentvolumeclaim"),
      ) &&
      (newest?.reason === "Unschedulable" ||
        conditions.find((c) => c.type === "PodScheduled")?.status === "False");
    if (spec.jupyterServer.hibernated) state = "hibernated";
    else if (cr.metadata.deletionTimestamp) state = "stopping";
    else if (unschedulable || quota) state = "failed";
    else if (
      pod &&
      model &&
      podStatus.phase === "Running" &&
      model.containers.every((c) => model.stepStatus(c) === "ready") &&
      conditions.every((c) => c.status === "True")
    )
      state = "running";
    else if (model && pod && model.containers.some((c) => model.stepStatus(c) === "failed"))
      state = "failed";
    else state = "starting";
    status.state = state;
    if (state === "failed")
      status.failedSince = prev.state === "failed" && prev.failedSince ? prev.failedSince : now;
    else status.failedSince = null;
    if (
      state === "running" ||
      state === "failed" ||
      state === "hibernated" ||
      state === "stopping"
    ) {
      // startingSince stays as the operator last set it.
    }

    const stable = (o: Record<string, unknown>) => {
      const c = structuredClone(o);
      const ev = c.events as { statefulset?: { timestamp?: string } } | undefined;
      if (ev?.statefulset) delete ev.statefulset.timestamp;
      return JSON.stringify(c);
    };
    if (stable(status) === stable(prev)) return false;
    this.patchCr(s, [{ op: "add", path: "/status", value: status }]);
    return true;
  }
}

export type { LogLine };

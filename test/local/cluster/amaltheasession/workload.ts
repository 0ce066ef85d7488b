/**
 * The StatefulSet controller and kubelet under an AmaltheaSession: pod `<name>-0` from the
 * template (or the quota fault's FailedCreate event), one PodModel transition per step, and the
 * StatefulSet's status. Both simulators run their sessions on this one loop; the roles say which
 * containers the faults hit (Amalthea's `jupyter-server` or AmaltheaSession's `amalthea-session`).
 */

import type { Fault } from "../amalthea/faults.js";
import {
  autosaveWork,
  cloneRestore,
  type GitRemote,
  type GitState,
  gitStateOf,
  hasUnsavedWork,
} from "../amalthea/git-session.js";
import { renkuImageOf } from "../amalthea/image-contracts.js";
import { PodModel, type PodRoles } from "../amalthea/pod-model.js";
import { remoteThroughProxy, stopSessionPod } from "../amalthea/pod-stop.js";
import type { KubeApi } from "../api.js";
import { type GarbageCollector, recordEvent } from "../gc.js";
import { pullImage } from "../kubelet-pull.js";
import { RESOURCES } from "../resources.js";
import { KubeError } from "../status.js";
import type { KObject, ResourceDef } from "../types.js";
import { SESSION_CONTAINER } from "./render.js";

const def = (resource: string) => RESOURCES.find((r) => r.resource === resource) as ResourceDef;
export const STS = def("statefulsets");
export const PODS = def("pods");
const SECRETS = def("secrets");

/** Faults hit `amalthea-session`, and the clone init containers (Amalthea's or Renku's). */
export const SESSION_ROLES: PodRoles = {
  main: SESSION_CONTAINER,
  isClone: (name) => /^git-clone(-\d+)?$/.test(name),
};

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    initContainers?: Array<{ name: string; image: string }>;
    containers: Array<{ name: string; image: string }>;
  };
}

export class SessionWorkload {
  /** Pod models by "ns/podName". */
  readonly pods = new Map<string, PodModel>();
  private readonly quotaReported = new Set<string>();
  /** The API server's last refusal of each StatefulSet's pod ("ns/name"). */
  private readonly refusals = new Map<string, { message: string; fresh: boolean }>();
  /** Sessions ("ns/name") whose git-clone restored an autosave into the workspace. */
  private readonly restored = new Set<string>();
  /** The project's git remote, for autosave pushes and restores (the GitLab double in tests). */
  gitRemote: GitRemote | undefined;
  /** Scales the simulated seconds: grace periods, a slow autosave (tests shorten them). */
  graceScale = 1;
  /** Asks for a pass after `ms` (a held stop ends then). */
  wake: (ms: number) => void = () => {};
  /** Registry hosts whose session images the kubelet pulls for real (kubelet-pull.ts). */
  readonly pullHosts = new Set<string>();
  /** Pulls under way; settling waits for them. */
  readonly pulls = new Set<Promise<void>>();

  constructor(
    private readonly api: KubeApi,
    private readonly gc: GarbageCollector,
    /** The annotations of the session's resource (the git state annotation is read there). */
    private readonly annotationsOf: (
      ns: string,
      name: string,
    ) => Record<string, string> | undefined,
    private readonly roles: PodRoles = SESSION_ROLES,
    /** The path the session's Jupyter must serve under, when the resource says it. */
    private readonly baseUrlOf: (ns: string, name: string) => string | undefined = () => undefined,
  ) {
    api.store.onChange((type, d, obj) => {
      const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
      if (d === PODS && type === "DELETED") this.pods.delete(key);
      if (d === STS && type === "DELETED") {
        this.quotaReported.delete(key);
        this.refusals.delete(key);
        this.restored.delete(key);
      }
    });
    // The pod object stays while the kubelet is still stopping it (preStop, grace period).
    const held = gc.holdPod;
    gc.holdPod = (pod) => {
      const model = this.pods.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
      return held(pod) || (model?.scheduled === true && !model.terminated);
    };
  }

  /** The session's git working state: the annotation over what git-clone checked out. */
  gitState(ns: string, name: string): GitState | undefined {
    const model = this.pods.get(`${ns}/${name}-0`);
    if (!model) return undefined;
    const clone = model.init.find((c) => renkuImageOf(c.image) === "git-clone");
    return gitStateOf(
      this.annotationsOf(ns, name),
      clone?.spec,
      this.restored.has(`${ns}/${name}`),
    );
  }

  /**
   * The sidecar's `autosave/create` JSON-RPC on pod `<name>-0` (port and path as its env sets
   * them): answered once the autosave's simulated time has passed, with the branch it pushed (null when
   * there was nothing to save). Like the image's, the autosave ends by calling the git proxy's
   * /shutdown. Undefined when no ready sidecar listens there, or the pod went meanwhile (the
   * connection is cut).
   */
  async rpcAutosave(
    ns: string,
    name: string,
    port: number,
    path: string,
    id: unknown,
  ): Promise<{ code: number; body: unknown } | undefined> {
    const key = `${ns}/${name}-0`;
    const model = this.pods.get(key);
    const sidecar = model?.regular.find(
      (c) =>
        c.ready &&
        renkuImageOf(c.image) === "git-rpc-server" &&
        ((c.spec as { ports?: Array<{ containerPort?: number }> }).ports ?? []).some(
          (p) => p.containerPort === port,
        ),
    );
    const state = this.gitState(ns, name);
    if (!model || !sidecar || !state) return undefined;
    const prefix = (sidecar.spec.env ?? []).find((e) => e.name === "GIT_RPC_URL_PREFIX")?.value;
    if (path !== `${prefix ?? "/"}jsonrpc`) return { code: 404, body: "Not Found" };
    const ms = hasUnsavedWork(state) ? (state.autosaveSeconds ?? 0) * 1000 * this.graceScale : 0;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    if (model.terminated || this.pods.get(key) !== model) return undefined;
    const proxy = model.regular.find(
      (c) => renkuImageOf(c.image) === "git-https-proxy" && "running" in c.state,
    );
    const result = autosaveWork(
      sidecar.spec,
      state,
      proxy?.spec,
      remoteThroughProxy(this.gitRemote, model),
    );
    if (result.shutdown) model.gitProxyShutDown = true;
    const body =
      result.exitCode === 0
        ? { jsonrpc: "2.0", id: id ?? null, result: result.autosaveBranch ?? null }
        : { jsonrpc: "2.0", id: id ?? null, error: { code: -32000, message: result.output } };
    return { code: 200, body };
  }

  /**
   * POST of the pod, as the StatefulSet controller sends it. A refusal (validation, admission) is
   * a FailedCreate event with the API server's message, once per distinct message (the real
   * controller retries with a backoff and the event's count grows).
   */
  private createPod(sts: KObject, podName: string, pod: Record<string, unknown>): boolean {
    const ns = sts.metadata.namespace ?? "";
    const key = `${ns}/${sts.metadata.name}`;
    try {
      this.api.create(PODS, ns, pod);
      this.refusals.delete(key);
      return true;
    } catch (err) {
      if (!(err instanceof KubeError)) throw err;
      const fresh = this.refusals.get(key)?.message !== err.message;
      this.refusals.set(key, { message: err.message, fresh });
      if (fresh)
        recordEvent(
          this.api,
          sts,
          "FailedCreate",
          `create Pod ${podName} in StatefulSet ${sts.metadata.name} failed error: ${err.message}`,
          { type: "Warning", component: "statefulset-controller" },
        );
      return false;
    }
  }

  /** The quota fault's FailedCreate was reported for this StatefulSet. */
  quotaRefused(ns: string, name: string): boolean {
    return this.quotaReported.has(`${ns}/${name}`);
  }

  model(ns: string, pod: string): PodModel | undefined {
    return this.pods.get(`${ns}/${pod}`);
  }

  /** The main image's real pull, with the pod's pull secrets, when its registry is one to pull from. */
  private startPull(ns: string, model: PodModel, podSpec: PodTemplate["spec"]): void {
    const image = podSpec.containers.find((c) => c.name === this.roles.main)?.image;
    if (!image || !this.pullHosts.has(image.split("/")[0] ?? "")) return;
    const refs = (podSpec as { imagePullSecrets?: { name: string }[] }).imagePullSecrets ?? [];
    const configs = refs.flatMap((r) => {
      const data = this.api.store.peek(SECRETS, ns, r.name)?.data as
        | Record<string, string>
        | undefined;
      return data?.[".dockerconfigjson"] ? [data[".dockerconfigjson"]] : [];
    });
    model.pull = "pending";
    const done: Promise<void> = pullImage(image, configs)
      .catch((err: unknown) => ({ ok: false as const, message: String(err) }))
      .then((result) => {
        model.pull = result;
        this.pulls.delete(done);
        this.wake(0);
      });
    this.pulls.add(done);
  }

  /** Creates or removes pod `<name>-0` to match `replicas`. */
  controller(ns: string, name: string, fault: Fault | undefined): boolean {
    const sts = this.api.store.peek(STS, ns, name);
    if (!sts || sts.metadata.deletionTimestamp) return false;
    const podName = `${name}-0`;
    const pod = this.api.store.peek(PODS, ns, podName);
    const replicas = (sts.spec as { replicas?: number }).replicas ?? 1;
    if (replicas >= 1 && !pod) {
      if (fault?.kind === "quota") {
        if (this.quotaReported.has(`${ns}/${name}`)) return false;
        this.quotaReported.add(`${ns}/${name}`);
        recordEvent(
          this.api,
          sts,
          "FailedCreate",
          `create Pod ${podName} in StatefulSet ${name} failed error: pods "${podName}" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=1, used: requests.cpu=4, limited: requests.cpu=4`,
          { type: "Warning", component: "statefulset-controller" },
        );
        return true;
      }
      const tmpl = (sts.spec as { template: PodTemplate }).template;
      const podSpec = structuredClone(tmpl.spec);
      const created = this.createPod(sts, podName, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: podName,
          labels: {
            ...(tmpl.metadata?.labels ?? {}),
            "statefulset.kubernetes.io/pod-name": podName,
            "apps.kubernetes.io/pod-index": "0",
          },
          annotations: {
            ...(tmpl.metadata?.annotations ?? {}),
            "kubectl.kubernetes.io/default-container": this.roles.main,
          },
          ownerReferences: [
            {
              apiVersion: "apps/v1",
              kind: "StatefulSet",
              name,
              uid: sts.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          ...podSpec,
          restartPolicy: "Always",
          schedulerName: "default-scheduler",
          serviceAccountName:
            (podSpec as { serviceAccountName?: string }).serviceAccountName ?? "default",
        },
        status: { phase: "Pending", qosClass: "Burstable" },
      });
      if (!created) return this.refusals.get(`${ns}/${name}`)?.fresh === true;
      const model = new PodModel(
        podName,
        ns,
        podSpec,
        fault,
        () => this.api.timestamp(),
        this.roles,
        (c) => {
          const restore = cloneRestore(c.spec, this.gitRemote);
          if (restore.restored) this.restored.add(`${ns}/${name}`);
          return restore.lines;
        },
      );
      model.baseUrl = this.baseUrlOf(ns, name);
      this.pods.set(`${ns}/${podName}`, model);
      this.startPull(ns, model, podSpec);
      recordEvent(
        this.api,
        sts,
        "SuccessfulCreate",
        `create Pod ${podName} in StatefulSet ${name} successful`,
        { component: "statefulset-controller" },
      );
      return true;
    }
    if (replicas === 0 && pod && !pod.metadata.deletionTimestamp) {
      this.api.delete(PODS, ns, podName, {});
      recordEvent(
        this.api,
        sts,
        "SuccessfulDelete",
        `delete Pod ${podName} in StatefulSet ${name} successful`,
        { component: "statefulset-controller" },
      );
      return true;
    }
    return false;
  }

  /** One kubelet transition for the pod, its events, and the pod status it writes. */
  kubelet(ns: string, name: string): boolean {
    const podName = `${name}-0`;
    const pod = this.api.store.peek(PODS, ns, podName);
    const model = this.model(ns, podName);
    if (!pod || !model) return false;
    if (pod.metadata.deletionTimestamp) {
      const { api, gc, gitRemote, graceScale, wake } = this;
      return stopSessionPod(
        { api, gc, gitRemote, graceScale, wake },
        pod,
        model,
        this.gitState(ns, name),
      );
    }
    const changed = model.step();
    for (const e of model.events.splice(0)) {
      const opts: Parameters<typeof recordEvent>[4] = {
        type: e.type,
        component: e.reason.includes("Schedul") ? "default-scheduler" : "kubelet",
      };
      if (e.container)
        opts.fieldPath = `spec.${model.init.some((c) => c.name === e.container) ? "initContainers" : "containers"}{${e.container}}`;
      recordEvent(this.api, pod, e.reason, e.message, opts);
    }
    const status = model.status();
    const bind = model.scheduled && !(pod.spec as { nodeName?: string }).nodeName;
    if (!bind && JSON.stringify(pod.status) === JSON.stringify(status)) return changed;
    const next = structuredClone(pod);
    next.status = status;
    if (bind) (next.spec as { nodeName?: string }).nodeName = "local-node-1";
    this.api.store.put(PODS, next);
    return true;
  }

  /** The StatefulSet controller's status, written after the kubelet moved. */
  statefulSetStatus(ns: string, name: string): boolean {
    const sts = this.api.store.peek(STS, ns, name);
    if (!sts || sts.metadata.deletionTimestamp) return false;
    const pod = this.api.store.peek(PODS, ns, `${name}-0`);
    const model = this.model(ns, `${name}-0`);
    const ready = model?.regular.every((c) => c.ready) && pod && !pod.metadata.deletionTimestamp;
    const current = pod ? 1 : 0;
    const status = {
      observedGeneration: sts.metadata.generation,
      replicas: current,
      readyReplicas: ready ? 1 : 0,
      currentReplicas: current,
      availableReplicas: ready ? 1 : 0,
      updatedReplicas: current,
    };
    if (JSON.stringify(sts.status ?? {}) === JSON.stringify(status)) return false;
    const next: KObject = structuredClone(sts);
    next.status = status;
    this.api.store.put(STS, next);
    return true;
  }
}

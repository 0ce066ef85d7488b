/**
 * The AmaltheaSession status Amalthea 0.31.0 computes after each reconcile (amaltheasession.md §4):
 * state, error, conditions, container counts, idleness, the culling timestamps and the URL.
 */
import type { KObject } from "../types.js";
import { cpuCores, durationMs } from "./duration.js";
import { type AmsSpec, SESSION_CONTAINER, sessionUrl } from "./render.js";

export const QUOTA_MESSAGE =
  "Quota exceeded: Your resource pool does not contain enough free resources (CPU / Memory / GPU / Storage) to schedule the session";
/** How long FailedScheduling may last before the session is Failed (cc.go:738-767). */
export const FAILED_SCHEDULING_LIMIT_MS = 10 * 60_000;
/** The amalthea-session container must have run this long before idleness is measured. */
export const IDLE_CHECK_AFTER_MS = 15_000;
/** What the simulated metrics-server reports for a running session container. */
export const SIMULATED_CPU_CORES = 0.012;

type Status = Record<string, unknown>;
interface Condition {
  type: string;
  status: "True" | "False";
  lastTransitionTime: string;
  reason: string;
  message: string;
}
interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: { exitCode?: number; reason?: string; message?: string };
  };
}
interface PodStatus {
  phase?: string;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
}

export interface StatusInput {
  cr: KObject;
  sts: KObject | undefined;
  pod: KObject | undefined;
  /** Messages of the pod's FailedScheduling events, newest last; and whether Scheduled came later. */
  failedScheduling: { message: string; scheduledSince: boolean } | undefined;
  /** The StatefulSet has a FailedCreate event about an exceeded quota. */
  quotaFailedCreate: boolean;
  ingressExists: boolean;
  runID: string;
  now: Date;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, "Z");

/** cond.go: the first failing container's message, init containers first. */
export function podError(pod: KObject): string | undefined {
  const st = (pod.status ?? {}) as PodStatus;
  for (const c of [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])]) {
    if (c.started && c.ready) continue;
    const w = c.state?.waiting;
    if (w?.reason === "ErrImagePull" || w?.reason === "ImagePullBackOff")
      return `failure to retrieve image for container ${c.name}: ${w.message ?? ""}`;
    if (w?.reason === "CrashLoopBackOff")
      return `the command in container ${c.name} is crashing, this can occur when you run out of disk space, this is the best reason for the crash we could extract: ${JSON.stringify(w.message ?? "")}`; // Go's %q
    if (w?.reason && w.reason !== "ContainerCreating" && w.reason !== "PodInitializing")
      return `the container ${c.name} is failing because ${w.message || w.reason}`;
    const t = c.state?.terminated;
    if (t && t.exitCode !== 0)
      return t.message
        ? `the container ${c.name} terminated with an error ${t.message}`
        : `the command in container ${c.name} terminated with an error exit code, this could be because you are running out of disk space`;
  }
  const disruption = st.conditions?.find(
    (c) => c.type === "DisruptionTarget" && c.status === "True",
  );
  if (disruption) return disruption.message || disruption.reason;
  return undefined;
}

/** st.go: a container counts as ready if ready and running, or completed with exit 0. */
function counts(list: ContainerStatus[] | undefined, init: boolean): Status {
  if (!list?.length) return {};
  const done = (c: ContainerStatus) =>
    c.state?.terminated?.exitCode === 0 && c.state.terminated.reason === "Completed";
  const ready = list.filter((c) => (init ? done(c) : (c.ready && c.state?.running) || done(c)));
  const out: Status = { total: list.length };
  if (ready.length) out.ready = ready.length;
  return out;
}

function podReady(pod: KObject): boolean {
  const st = (pod.status ?? {}) as PodStatus;
  return (
    (st.phase === "Running" || st.phase === "Succeeded") &&
    Boolean(st.conditions?.some((c) => c.type === "Ready" && c.status === "True")) &&
    !pod.metadata.deletionTimestamp
  );
}

const at = (base: string | undefined, ms: number) =>
  base && ms > 0 ? Date.parse(base) + ms : undefined;

/** The earliest culling deadline (cull.go), from the status before this reconcile. */
export function willHibernateAt(cr: KObject, prev: Status): number | undefined {
  const c = (cr.spec as AmsSpec).culling ?? {};
  const idleSince = prev.idleSince as string | undefined;
  const lastInteraction = c.lastInteraction;
  const idleBase =
    idleSince && lastInteraction && Date.parse(lastInteraction) > Date.parse(idleSince)
      ? lastInteraction
      : idleSince;
  const dates = [
    at(cr.metadata.creationTimestamp, durationMs(c.maxAge)),
    prev.state === "NotReady"
      ? at(cr.metadata.creationTimestamp, durationMs(c.maxStartingDuration))
      : undefined,
    at(prev.failingSince as string | undefined, durationMs(c.maxFailedDuration)),
    idleSince ? at(idleBase, durationMs(c.maxIdleDuration)) : undefined,
  ].filter((d): d is number => d !== undefined);
  return dates.length ? Math.min(...dates) : undefined;
}

function setCondition(
  list: Condition[],
  type: string,
  status: "True" | "False",
  reason: string,
  message: string,
  now: string,
): void {
  const c = list.find((x) => x.type === type);
  if (!c || c.status === status) return;
  Object.assign(c, { status, reason, message, lastTransitionTime: now });
}

export function computeStatus(input: StatusInput): Status {
  const { cr, sts, pod, now } = input;
  const spec = cr.spec as AmsSpec;
  const prev = (cr.status ?? {}) as Status;
  const nowIso = iso(now);
  const next: Status = { ...structuredClone(prev) };

  // State, first rule that matches (cc.go:770-904).
  let state: string;
  let error: string | undefined;
  const stsSpec = (sts?.spec ?? {}) as { replicas?: number };
  const stsStatus = (sts?.status ?? {}) as { readyReplicas?: number; replicas?: number };
  const failure = pod ? podError(pod) : undefined;
  const podStatus = (pod?.status ?? {}) as PodStatus;
  if (cr.metadata.deletionTimestamp) state = "NotReady";
  else if (spec.hibernated && stsSpec.replicas === 0) state = "Hibernated";
  else if (failure) {
    state = "Failed";
    error = failure;
  } else if (
    stsStatus.readyReplicas === 1 &&
    stsStatus.replicas === 1 &&
    pod !== undefined &&
    podReady(pod)
  )
    state = "Running";
  else if (
    (podStatus.phase === "Succeeded" || podStatus.phase === "Failed") &&
    (podStatus.containerStatuses ?? []).every((c) => c.state?.terminated)
  )
    state = "Succeeded";
  else state = "NotReady";

  if (state === "NotReady") {
    const fs = input.failedScheduling;
    if (!fs || fs.scheduledSince) delete next.failedSchedulingSince;
    else {
      if (!next.failedSchedulingSince) next.failedSchedulingSince = nowIso;
      if (
        now.getTime() - Date.parse(String(next.failedSchedulingSince)) >=
        FAILED_SCHEDULING_LIMIT_MS
      ) {
        state = "Failed";
        error = `failed scheduling: ${fs.message}`;
      }
    }
  }
  // Without a pod, whatever the state so far (cc.go:825-844).
  if (!pod && input.quotaFailedCreate) {
    state = "Failed";
    error = QUOTA_MESSAGE;
  }
  if (!error && pod) {
    const unschedulable = podStatus.conditions?.find((c) => c.reason === "Unschedulable");
    if (unschedulable)
      error = `the session cannot be scheduled due to: ${unschedulable.message ?? ""}. Please contact an administrator.`;
  }

  next.state = state;
  if (error) next.error = error;
  else delete next.error;
  next.url = sessionUrl(spec);

  next.containerCounts = counts(pod ? podStatus.containerStatuses : undefined, false);
  next.initContainerCounts = counts(pod ? podStatus.initContainerStatuses : undefined, true);
  if (state === "Hibernated" || cr.metadata.deletionTimestamp) {
    delete (next.containerCounts as Status).ready;
    delete (next.initContainerCounts as Status).ready;
  }
  if (state === "Hibernated" || state === "Running" || state === "Succeeded")
    delete next.failedSchedulingSince;

  if (state === "Failed") next.failingSince = prev.failingSince ?? nowIso;
  else delete next.failingSince;

  // Hibernation transitions (§5.2).
  if (spec.hibernated && !prev.hibernatedSince) {
    next.hibernatedSince = nowIso;
    delete next.idleSince;
    delete next.failingSince;
    delete next.failedSchedulingSince;
  } else if (!spec.hibernated && prev.hibernatedSince) {
    delete next.hibernatedSince;
    delete next.idleSince;
    delete next.failedSchedulingSince;
  }
  if (spec.hibernated) delete next.runID;
  else next.runID = input.runID;

  // Idleness (st.go:160-198): measured only while Running, after 15 s of the session container.
  const session = podStatus.containerStatuses?.find((c) => c.name === SESSION_CONTAINER);
  const runningSince = session?.state?.running?.startedAt;
  if (
    state === "Running" &&
    runningSince &&
    now.getTime() - Date.parse(runningSince) >= IDLE_CHECK_AFTER_MS
  ) {
    const threshold = cpuCores(spec.culling?.cpuIdleThreshold);
    const idle = threshold !== undefined && SIMULATED_CPU_CORES < threshold;
    next.idle = idle;
    if (idle) next.idleSince = prev.idleSince ?? nowIso;
    else delete next.idleSince;
  } else next.idle = false;

  // Conditions (§4.5).
  const conditions = structuredClone((prev.conditions ?? []) as Condition[]);
  if (!conditions.length)
    for (const type of ["Ready", "RoutingReady"])
      conditions.push({
        type,
        status: "False",
        lastTransitionTime: nowIso,
        reason: "SessionCreated",
        message: "The custom resource was created just now",
      });
  setCondition(
    conditions,
    "Ready",
    state === "Running" ? "True" : "False",
    state,
    `The session is ${state.toLowerCase()}`,
    nowIso,
  );
  if (spec.ingress && input.ingressExists)
    setCondition(
      conditions,
      "RoutingReady",
      "True",
      "IngressOperational",
      "The ingress is setup and operational",
      nowIso,
    );
  else if (!spec.ingress)
    setCondition(
      conditions,
      "RoutingReady",
      "False",
      "IngressDeleted",
      `The ingress information was not specified or was deleted from custom resource ${cr.metadata.name}`,
      nowIso,
    );
  next.conditions = conditions;

  const deadline = willHibernateAt(cr, prev);
  if (deadline !== undefined) next.willHibernateAt = iso(new Date(deadline));
  else delete next.willHibernateAt;
  return next;
}

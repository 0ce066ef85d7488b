/**
 * The API `status` object (section 5.2) of an AmaltheaSession: the operator's state, error and
 * conditions, with the per-container detail read from its pod (amaltheasession.md §6.4). Each
 * situation reads as the JupyterServer path shows its equivalent: same state, steps and messages.
 */
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node/dist/gen/index.js";
import type { Config } from "../../config/schema.js";
import type { ServerState, StepStatus } from "../../sessions/types.js";
import {
  type ApiStatus,
  apiStatus,
  containerFailureMessage,
  containerSteps,
  isAnonymousSession,
  secondsSince,
  unschedulableMessage,
  type WarningReadings,
  warnings,
} from "../pod/status.js";
import type { ContainerStatus, PodStatus } from "../pod/types.js";
import { durationSeconds } from "./duration.js";
import { SESSION_CONTAINER } from "./manifest.js";
import { ROUTER_CONTAINER } from "./router.js";
import { stopRequested } from "./stop.js";
import type { AmaltheaSession, AmsView } from "./types.js";

/** The JupyterServer's message for a quota failure, which the operator words differently. */
const QUOTA_MESSAGE = "The resource quota has been exceeded.";

/** Containers named as the JupyterServer's steps and messages know them. */
export function stepName(name: string, registered: boolean): string | undefined {
  if (name === SESSION_CONTAINER) return "jupyter-server";
  // Behind oauth2-proxy the authproxy is one more hop of the same step.
  if (name === "authproxy") return registered ? "oauth2-proxy" : "passthrough-proxy";
  // The session router (D22) is the last proxying hop before Jupyter.
  if (name === ROUTER_CONTAINER) return "oauth2-proxy";
  return name;
}

const WORSE: StepStatus[] = ["failed", "waiting", "executing", "ready"];

function stepStatus(c: V1ContainerStatus, failing: boolean): StepStatus {
  const state = c.state ?? {};
  if (state.terminated?.exitCode === 0) return "ready";
  const crashed =
    state.waiting?.reason === "CrashLoopBackOff" ||
    (state.terminated !== undefined && state.terminated.exitCode !== 0);
  if (failing && crashed) return "failed";
  if (state.running) return c.ready ? "ready" : "executing";
  return "waiting";
}

function states(
  list: V1ContainerStatus[] | undefined,
  registered: boolean,
  failing: boolean,
): Record<string, StepStatus> {
  const out: Record<string, StepStatus> = {};
  for (const c of list ?? []) {
    const name = stepName(c.name, registered);
    if (!name) continue;
    const status = stepStatus(c, failing);
    const before = out[name];
    out[name] = before && WORSE.indexOf(before) < WORSE.indexOf(status) ? before : status;
  }
  return out;
}

/** The pod's status with the session container under the JupyterServer's name. */
function renamed(pod: V1Pod | undefined): PodStatus | undefined {
  if (!pod?.status) return undefined;
  const rename = (list: V1ContainerStatus[] | undefined) =>
    list?.map(
      (c) =>
        ({
          ...c,
          name: c.name === SESSION_CONTAINER ? "jupyter-server" : c.name,
        }) as unknown as ContainerStatus,
    );
  return {
    ...(pod.status as unknown as PodStatus),
    containerStatuses: rename(pod.status.containerStatuses) ?? null,
    initContainerStatuses: rename(pod.status.initContainerStatuses) ?? null,
  };
}

/** amaltheasession.md §6.4, plus the JupyterServer's own rules where it says more. */
export function sessionState(view: AmsView): ServerState {
  const { cr, pod } = view;
  // A handed-off stop (D24) shows as stopping while the sidecar autosaves.
  if (cr.metadata.deletionTimestamp || stopRequested(cr)) return "stopping";
  if (cr.spec.hibernated) return "hibernated";
  const state = cr.status?.state ?? "NotReady";
  if (state === "Failed" || state === "Succeeded") return "failed";
  // The JupyterServer operator fails an unschedulable pod at once; Amalthea warns for 10 minutes.
  if (unschedulableMessage(renamed(pod))) return "failed";
  if (state === "Running" || state === "RunningDegraded") return "running";
  return "starting";
}

function failureMessage(view: AmsView): string | undefined {
  const pod = renamed(view.pod);
  const error = view.cr.status?.error;
  return (
    unschedulableMessage(pod) ??
    (error?.startsWith("Quota exceeded") ? QUOTA_MESSAGE : undefined) ??
    containerFailureMessage(pod) ??
    (error || undefined)
  );
}

/** What the warnings rule (lib/backends/pod/status.ts) reads of an AmaltheaSession. */
function readings(
  cr: AmaltheaSession,
  state: ServerState,
  config: Config,
  now: Date,
): WarningReadings {
  const culling = cr.spec.culling ?? {};
  const status = cr.status ?? {};
  const anonymous = isAnonymousSession(cr);
  let idle: WarningReadings["idle"];
  const idleThreshold = durationSeconds(culling.maxIdleDuration);
  if (idleThreshold > 0 && state === "running" && status.idle && status.idleSince) {
    const since = [status.idleSince, culling.lastInteraction]
      .map((t) => secondsSince(t, now))
      .filter((s): s is number => s !== undefined);
    const action = anonymous ? "deleted" : "hibernated";
    idle = { threshold: idleThreshold, idleFor: Math.min(...since), action };
  }
  return {
    defaultImage: cr.spec.session.image === config.sessions.default_image,
    anonymous,
    idle,
    hibernatedThreshold: durationSeconds(culling.maxHibernatedDuration),
    hibernatedFor: secondsSince(status.hibernatedSince, now),
    maxAge: durationSeconds(culling.maxAge),
    age: secondsSince(cr.metadata.creationTimestamp, now),
  };
}

/**
 * Whether a list can answer for this session without its pod: Amalthea's Running means every
 * container is ready (RunningDegraded does not), and a hibernated session has no pod.
 */
export function podNotNeeded(cr: AmaltheaSession): boolean {
  if (cr.metadata.deletionTimestamp) return false;
  return cr.spec.hibernated === true || cr.status?.state === "Running";
}

/** Every container of the kind's pod (as the steps name them), ready: Running read without its pod. */
const allReady = (names: readonly string[]): Record<string, StepStatus> =>
  Object.fromEntries(names.map((n) => [n, "ready" as const]));

export function sessionStatus(view: AmsView, config: Config, now: Date): ApiStatus {
  const { cr, pod } = view;
  const state = sessionState(view);
  const registered = !isAnonymousSession(cr);
  const failing = state === "failed";
  const readyWithoutPod = view.podSkipped === true && state === "running";
  const containers = config.sessions.containers[registered ? "registered" : "anonymous"];
  const init = readyWithoutPod
    ? allReady(config.sessions.init_containers)
    : states(pod?.status?.initContainerStatuses, registered, failing);
  const regular = readyWithoutPod
    ? allReady(containers)
    : states(pod?.status?.containerStatuses, registered, failing);
  // Starting, or hibernated without a pod: what has no state yet shows as waiting.
  const fill = state === "starting" || (!pod && state === "hibernated");
  const details = containerSteps(init, regular, fill, !registered, config);
  const refused = state === "starting" && view.refusal ? [view.refusal] : [];
  return apiStatus(
    state,
    details,
    [...warnings(readings(cr, state, config, now), state, config), ...refused],
    failing ? failureMessage(view) : undefined,
  );
}

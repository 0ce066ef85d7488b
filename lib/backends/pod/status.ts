/**
 * The API `status` object (section 5.2) of either resource: the steps, the messages of failures
 * and the warnings; each backend reads its resource into them. Pure: `now` is passed in so the
 * countdowns in warnings are testable.
 */
import type { Config } from "../../config/schema.js";
import type { ServerState, StepStatus } from "../../sessions/types.js";
import type { ContainerStatus, CustomResourceMeta, PodStatus } from "./types.js";

export interface StatusStep {
  step: string;
  status: StepStatus;
}

export interface StatusWarning {
  message: string;
  critical: boolean;
}

export interface ApiStatus {
  state: ServerState;
  message?: string;
  details: StatusStep[];
  totalNumContainers: number;
  readyNumContainers: number;
  warnings: StatusWarning[];
}

const INIT_STEPS: [string, string][] = [
  ["init-certificates", "Initialization"],
  ["download-image", "Downloading server image"],
  ["git-clone", "Cloning and configuring the repository"],
];
const REGULAR_STEPS: [string, string][] = [
  ["git-proxy", "Git credentials services"],
  ["oauth2-proxy", "Authentication and proxying services"],
  ["passthrough-proxy", "Proxying services"],
  ["git-sidecar", "Auxiliary session services"],
  ["jupyter-server", "Starting session"],
];

/** The status step a container belongs to (the same names as `status.details`). */
export function stepOfContainer(container: string): string | undefined {
  return [...INIT_STEPS, ...REGULAR_STEPS].find(([name]) => name === container)?.[1];
}

/** Anonymous sessions are recognised as the reference did: name and user ids start with anon-. */
export function isAnonymousSession(cr: {
  metadata: Pick<CustomResourceMeta, "name" | "annotations">;
}): boolean {
  const a = cr.metadata.annotations ?? {};
  return [a["renku.io/userId"], a["renku.io/username"], cr.metadata.name].every(
    (v) => typeof v === "string" && v.startsWith("anon-"),
  );
}

const allWaiting = (names: readonly string[]) =>
  Object.fromEntries(names.map((n) => [n, "waiting" as const]));

/**
 * The steps of containers' states keyed by the containers' names (an AmaltheaSession's renamed
 * as the JupyterServer's, amaltheasession/status.ts). With `fill`, an
 * empty summary shows every configured container of its kind waiting.
 */
export function containerSteps(
  initStates: Record<string, StepStatus>,
  regularStates: Record<string, StepStatus>,
  fill: boolean,
  anonymous: boolean,
  config: Config,
): StatusStep[] {
  let init = initStates;
  let regular = regularStates;
  if (fill) {
    if (Object.keys(init).length === 0) init = allWaiting(config.sessions.init_containers);
    if (Object.keys(regular).length === 0) {
      regular = allWaiting(
        anonymous ? config.sessions.containers.anonymous : config.sessions.containers.registered,
      );
    }
  }
  const pick = (table: [string, string][], states: Record<string, StepStatus>) =>
    table.flatMap(([container, step]) => {
      const status = states[container];
      return status ? [{ step, status }] : [];
    });
  return [...pick(INIT_STEPS, init), ...pick(REGULAR_STEPS, regular)];
}

const UNSCHEDULABLE_PREFIX =
  "Your session cannot be scheduled due to insufficent resources. The most likely reason is: ";
const UNSCHEDULABLE_SUFFIX =
  "You may wait for resources to free up or you can adjust the specific resource and restart your session.";

/** The clause of "0/3 nodes are available: 3 Insufficient cpu, 1 node(s) had taint..." with the largest count. */
export function unschedulableMessage(pod: PodStatus | undefined): string | undefined {
  if (pod?.phase !== "Pending") return undefined;
  const conditions = [...(pod.conditions ?? [])];
  if (conditions.length === 0) return undefined;
  const time = (t: string | null | undefined) => (t ? Date.parse(t) || 0 : 0);
  conditions.sort((a, b) => time(b.lastTransitionTime) - time(a.lastTransitionTime));
  const newest = conditions[0];
  if (newest?.reason !== "Unschedulable" || !newest.message) return undefined;
  const msg = newest.message;
  const head = /^\s*\d+\/\d+ nodes are available: (.*)$/s.exec(msg);
  if (!head?.[1]) return msg;
  // Later schedulers append ". preemption: ..." which is not a reason.
  const body = head[1].split(/\.\s+preemption:/)[0] ?? head[1];
  let best: { count: number; reason: string } | undefined;
  for (const clause of body.split(/,\s*(?=\d+\s)/)) {
    // The count by regex, the reason by trimming: a lazy `(.*?)\.?\s*$` was quadratic on long
    // runs of spaces, and the message comes from the cluster.
    const m = /^\s*(\d+)\s+/.exec(clause);
    if (!m?.[1]) continue;
    const rest = clause.slice(m[0].length).trimEnd();
    const reason = rest.endsWith(".") ? rest.slice(0, -1) : rest;
    const count = Number(m[1]);
    if (!best || count > best.count) best = { count, reason };
  }
  if (!best) return msg;
  return `${UNSCHEDULABLE_PREFIX}'${best.reason}'. ${UNSCHEDULABLE_SUFFIX}`;
}

const DOCKERFILE = "Please make sure your Dockerfile is correct and up-to-date.";
const GENERIC_EXIT =
  "The server shut down unexpectedly. Please ensure that your Dockerfile is correct and up-to-date.";
const CLONE = "Cannot clone repository: ";

/** What a failed git-clone or jupyter-server exit code means to the user. */
export function exitCodeMessage(code: number): string {
  switch (code) {
    case 125:
      return `The command to start the server was invoked but it did not complete successfully. ${DOCKERFILE}`;
    case 126:
      return `The command to start the server cannot be invoked. ${DOCKERFILE}`;
    case 127:
      return `The image does not contain the required command to start the server. ${DOCKERFILE}`;
    case 128:
      return `${GENERIC_EXIT} In some cases this can be the result of low disk space, please restart your server with more storage.`;
    case 137:
      return "The server was terminated by the cluster. Potentially because of consuming too much resources. Please restart your server and request more memory and storage.";
    case 200:
      return `${CLONE}Unhandled git error.`;
    case 201:
      return `${CLONE}Git remote server is unavailable. Try again later.`;
    case 202:
      return `${CLONE}Autosave branch name is in an unexpected format and cannot be processed.`;
    case 203:
      return `${CLONE}No disk space left on device, please stop this session and start a new one with more storage.`;
    case 204:
      return `${CLONE}Requested branch doesn't exist on remote.`;
    case 205:
      return `${CLONE}Error fetching submodules.`;
    default:
      return GENERIC_EXIT;
  }
}

function failedExitCode(c: ContainerStatus): number | undefined {
  const last = c.lastState?.terminated?.exitCode;
  if (typeof last === "number" && last !== 0) return last;
  const now = c.state?.terminated?.exitCode;
  if (typeof now === "number" && now !== 0) return now;
  return undefined;
}

/** What failed containers mean to the user; `git-clone` and `jupyter-server` have their own messages. */
export function containerFailureMessage(pod: PodStatus | undefined): string | undefined {
  const all = [...(pod?.initContainerStatuses ?? []), ...(pod?.containerStatuses ?? [])];
  const failed = all.filter((c) => failedExitCode(c) !== undefined);
  if (failed.length === 0) return undefined;
  for (const name of ["git-clone", "jupyter-server"]) {
    const c = failed.find((f) => f.name === name);
    const code = c && failedExitCode(c);
    if (code !== undefined) return exitCodeMessage(code);
  }
  return `There are failures in ${failed.length} auxiliary server containers. Please restart your session as this may be an intermittent problem. If issues persist contact your administrator or the Renku team.`;
}

export function secondsSince(iso: string | null | undefined, now: Date): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : (now.getTime() - t) / 1000;
}

const whole = (n: number) => Math.max(0, Math.round(n));

export const DEFAULT_IMAGE_WARNING: StatusWarning = {
  message: "Server was started using the default image.",
  critical: false,
};

/** The idle countdown once it is within the warning window (seconds left). */
export function idleWarning(
  remaining: number,
  action: "terminated" | "hibernated" | "deleted",
): StatusWarning {
  return {
    message: `Server is idle and will be ${action} in ${whole(remaining)} seconds.`,
    critical: true,
  };
}

export function hibernatedWarning(remaining: number, warnWithin: number): StatusWarning {
  return {
    message: `Server is hibernated and will be terminated in ${whole(remaining)} seconds.`,
    critical: remaining < warnWithin,
  };
}

export function maxAgeWarning(remaining: number): StatusWarning {
  return {
    message: `Server is reaching the maximum session age and will be terminated in ${whole(remaining)} seconds.`,
    critical: true,
  };
}

/**
 * What a backend reads off its resource for the warnings, each in its own way; one rule
 * (warnings, below) turns the readings into the warnings of either resource.
 */
export interface WarningReadings {
  defaultImage: boolean;
  anonymous: boolean;
  /** Present while the session counts as idle: the threshold, seconds idle, and what follows. */
  idle?: { threshold: number; idleFor: number; action: "terminated" | "hibernated" | "deleted" };
  hibernatedThreshold: number;
  hibernatedFor: number | undefined;
  maxAge: number;
  age: number | undefined;
}

/** The warnings of a session: default image, then the idle, hibernation and age countdowns. */
export function warnings(
  r: WarningReadings,
  state: ServerState,
  config: Pick<Config, "sessions">,
): StatusWarning[] {
  const out: StatusWarning[] = [];
  const warnWithin = config.sessions.termination_warning_duration_seconds;
  if (r.defaultImage) out.push(DEFAULT_IMAGE_WARNING);
  if (r.idle && r.idle.threshold - r.idle.idleFor < warnWithin)
    out.push(idleWarning(r.idle.threshold - r.idle.idleFor, r.idle.action));
  if (
    !r.anonymous &&
    state === "hibernated" &&
    r.hibernatedThreshold > 0 &&
    r.hibernatedFor !== undefined
  )
    out.push(hibernatedWarning(r.hibernatedThreshold - r.hibernatedFor, warnWithin));
  if (r.maxAge > 0 && r.age !== undefined && r.maxAge - r.age < warnWithin)
    out.push(maxAgeWarning(r.maxAge - r.age));
  return out;
}

/** The status object from the state, the steps, the warnings and a failure's message. */
export function apiStatus(
  state: ServerState,
  details: StatusStep[],
  warnings: StatusWarning[],
  failure: string | undefined,
): ApiStatus {
  const status: ApiStatus = {
    state,
    details,
    totalNumContainers: details.length,
    readyNumContainers: details.filter((d) => d.status === "ready").length,
    warnings,
  };
  if (state === "starting") {
    const waiting = details.filter((d) => d.status !== "ready").map((d) => d.step.toLowerCase());
    if (waiting.length > 0)
      status.message = `Steps with non-ready statuses: ${waiting.join(", ")}.`;
  } else if (state === "failed" && failure) {
    status.message = failure;
  }
  return status;
}

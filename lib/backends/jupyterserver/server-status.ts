/**
 * The status of a JupyterServer (section 5.2), read from what the operator wrote on it: its state,
 * steps and failure, and the readings of the warnings rule (lib/backends/pod/status.ts).
 */
import type { Config } from "../../config/schema.js";
import type { ServerState } from "../../sessions/types.js";
import {
  type ApiStatus,
  apiStatus,
  containerFailureMessage,
  containerSteps,
  isAnonymousSession,
  type StatusStep,
  type StatusWarning,
  secondsSince,
  unschedulableMessage,
  type WarningReadings,
  warnings,
} from "../pod/status.js";
import type { JupyterServer } from "./types.js";

export function serverState(js: JupyterServer): ServerState {
  const state = js.status?.state ?? "starting";
  // The operator marks deletions as stopping; do not show a deleted session as running meanwhile.
  if (js.metadata.deletionTimestamp && state !== "hibernated") return "stopping";
  return state;
}

function steps(js: JupyterServer, config: Config): StatusStep[] {
  // While the operator's state is absent or starting, each empty summary (init, regular) is
  // filled with waiting steps on its own: the init summary is often written before the regular.
  const raw = js.status?.state;
  return containerSteps(
    js.status?.containerStates?.init ?? {},
    js.status?.containerStates?.regular ?? {},
    raw === undefined || raw === null || raw === "starting",
    isAnonymousSession(js),
    config,
  );
}

function failureMessage(js: JupyterServer): string | undefined {
  const pod = js.status?.mainPod?.status;
  const unschedulable = unschedulableMessage(pod);
  if (unschedulable) return unschedulable;
  const events = js.status?.events ?? {};
  for (const key of Object.keys(events).sort()) {
    const message = events[key]?.message;
    if (message) return message;
  }
  return containerFailureMessage(pod);
}

function numberish(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : 0;
  return Number.isFinite(n) ? n : 0;
}

/** What the warnings rule reads of a JupyterServer. */
function readings(
  js: JupyterServer,
  state: ServerState,
  config: Config,
  now: Date,
): WarningReadings {
  const annotations = js.metadata.annotations ?? {};
  const culling = js.spec?.culling;
  const anonymous = isAnonymousSession(js);
  return {
    defaultImage: js.spec?.jupyterServer?.image === config.sessions.default_image,
    anonymous,
    idle: idleReading(js, state, anonymous, now),
    hibernatedThreshold: numberish(
      culling?.hibernatedSecondsThreshold ?? annotations["renku.io/hibernatedSecondsThreshold"],
    ),
    hibernatedFor: secondsSince(annotations["renku.io/hibernationDate"], now),
    maxAge: numberish(culling?.maxAgeSecondsThreshold),
    age: secondsSince(js.metadata.creationTimestamp, now),
  };
}

/** Idle: the 1.18 operator counts idleSeconds; the hibernation-era one stamps lastActivityDate. */
function idleReading(
  js: JupyterServer,
  state: ServerState,
  anonymous: boolean,
  now: Date,
): WarningReadings["idle"] {
  const threshold = numberish(js.spec?.culling?.idleSecondsThreshold);
  if (threshold <= 0 || state === "hibernated") return undefined;
  const idleSeconds = js.status?.idleSeconds;
  if (typeof idleSeconds === "number" && idleSeconds > 0)
    return { threshold, idleFor: idleSeconds, action: "terminated" };
  // The operator stamps lastActivityDate at creation and on activity: the rule warns only near
  // the end, or every fresh session would read as idle.
  const idleFor = secondsSince(js.metadata.annotations?.["renku.io/lastActivityDate"], now);
  if (idleFor === undefined) return undefined;
  return { threshold, idleFor, action: anonymous ? "deleted" : "hibernated" };
}

export function serverStatus(
  js: JupyterServer,
  config: Config,
  now: Date,
  refusal?: StatusWarning,
): ApiStatus {
  const state = serverState(js);
  const refused = state === "starting" && refusal ? [refusal] : [];
  return apiStatus(
    state,
    steps(js, config),
    [...warnings(readings(js, state, config, now), state, config), ...refused],
    state === "failed" ? failureMessage(js) : undefined,
  );
}

/** Containers whose logs GET /logs reads: init then regular, as the operator reported them (9). */
export function logContainers(js: JupyterServer): string[] {
  const states = js.status?.containerStates;
  return [...Object.keys(states?.init ?? {}), ...Object.keys(states?.regular ?? {})];
}

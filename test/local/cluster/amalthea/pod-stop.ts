/**
 * The kubelet stopping a session's pod, for either operator's simulator: the git sidecar's preStop
 * autosave runs, then the containers end. A registered session's git proxy waits for the
 * autosave's /shutdown call, or out its grace period (a failed autosave holds the stop).
 * An autosave that takes time (the git state's `autosaveSeconds`) runs within the pod's grace
 * period (`deletionGracePeriodSeconds`, default 30 s): one that needs longer is killed with the
 * pod and pushes nothing, as the kubelet ends a preStop hook at the grace period.
 */
import type { KubeApi } from "../api.js";
import { type GarbageCollector, recordEvent } from "../gc.js";
import type { KObject } from "../types.js";
import {
  containerEnv,
  type GitRemote,
  type GitState,
  hasUnsavedWork,
  runSidecarPreStop,
} from "./git-session.js";
import { renkuImageOf } from "./image-contracts.js";
import type { PodModel } from "./pod-model.js";

export interface PodStopper {
  api: KubeApi;
  gc: GarbageCollector;
  gitRemote: GitRemote | undefined;
  /** Scales the simulated seconds: grace periods and a slow autosave (tests shorten them). */
  graceScale: number;
  /** Asks for a pass after `ms` (a held stop ends then). */
  wake: (ms: number) => void;
}

type Running = PodModel["regular"][number];

const preStopOf = (c: Running) =>
  (c.spec as { lifecycle?: { preStop?: { exec?: { command?: string[] } } } }).lifecycle?.preStop
    ?.exec?.command;

const isSidecar = (c: Running) =>
  renkuImageOf(c.image) === "git-rpc-server" || c.name === "git-sidecar";

/** After an RPC autosave shut the git proxy down, a push through it finds nothing listening. */
export function remoteThroughProxy(
  remote: GitRemote | undefined,
  model: PodModel,
): GitRemote | undefined {
  if (!remote || !model.gitProxyShutDown) return remote;
  return {
    ...remote,
    push: (url) =>
      `fatal: unable to access '${url}/': Failed to connect to localhost port 8080 after 0 ms: Connection refused`,
  };
}

/** One kubelet step on a terminating pod; true if anything changed. */
export function stopSessionPod(
  k: PodStopper,
  pod: KObject,
  model: PodModel,
  state: GitState | undefined,
): boolean {
  if (model.terminated) return false;
  const now = Date.now();
  if (model.termination) {
    if (now < model.termination.until) return false;
    const finish = model.termination.finish;
    if (finish) {
      // A slow autosave finished within the grace period: it pushes now, then the stop goes on.
      delete model.termination;
      finish();
      return true;
    }
    model.terminated = true;
    k.gc.touch();
    return true;
  }
  const podGraceMs = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000 * k.graceScale;
  const hooked = model.regular.some((c) => preStopOf(c) && "running" in c.state && isSidecar(c));
  const slowMs = (state?.autosaveSeconds ?? 0) * 1000 * k.graceScale;
  if (state && hooked && slowMs > 0 && hasUnsavedWork(state)) {
    if (slowMs > podGraceMs) {
      // Killed at the grace period, in the middle of the autosave: nothing reaches the remote.
      model.termination = { until: now + podGraceMs };
    } else {
      model.termination = { until: now + slowMs, finish: () => runPreStops(k, pod, model, state) };
    }
    k.wake(model.termination.until - now);
    k.gc.touch();
    return true;
  }
  runPreStops(k, pod, model, state);
  return true;
}

/** The preStop hooks, then the hold of a git proxy still waiting for its /shutdown. */
function runPreStops(
  k: PodStopper,
  pod: KObject,
  model: PodModel,
  state: GitState | undefined,
): void {
  const now = Date.now();
  let shutdown = model.gitProxyShutDown;
  const proxy = model.regular.find(
    (c) => renkuImageOf(c.image) === "git-https-proxy" && "running" in c.state,
  );
  const remote = remoteThroughProxy(k.gitRemote, model);
  for (const c of model.regular) {
    const command = preStopOf(c);
    if (!command || !("running" in c.state) || !state || !isSidecar(c)) continue;
    const result = runSidecarPreStop(c.spec, command, state, proxy?.spec, remote);
    shutdown ||= result.shutdown;
    if (result.exitCode !== 0)
      recordEvent(
        k.api,
        pod,
        "FailedPreStopHook",
        `Exec lifecycle hook ([${command.join(" ")}]) for Container "${c.name}" in Pod "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})" failed - error: command '${command.join(" ")}' exited with ${result.exitCode}: ${result.output}, message: "${result.output}"`,
        { type: "Warning", component: "kubelet", fieldPath: `spec.containers{${c.name}}` },
      );
  }
  const proxyEnv = containerEnv(proxy?.spec);
  const waits = proxy !== undefined && (proxyEnv.get("ANONYMOUS_SESSION") ?? "true") !== "true";
  let holdMs = 0;
  if (waits && !shutdown) {
    const grace = Number(proxyEnv.get("SESSION_TERMINATION_GRACE_PERIOD_SECONDS") ?? "600");
    const podGrace = pod.metadata.deletionGracePeriodSeconds ?? 30;
    holdMs = Math.min(grace, podGrace) * 1000 * k.graceScale;
  }
  model.termination = { until: now + holdMs };
  if (holdMs > 0) k.wake(holdMs);
  else model.terminated = true;
  k.gc.touch();
}

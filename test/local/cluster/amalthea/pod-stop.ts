/**
 * The kubelet stopping a session's pod, for either operator's simulator: the git sidecar's preStop
 * autosave runs, then the containers end. A registered session's git proxy waits for the
 * autosave's /shutdown call, or out its grace period (a failed autosave holds the stop).
 */
import type { KubeApi } from "../api.js";
import { type GarbageCollector, recordEvent } from "../gc.js";
import type { KObject } from "../types.js";
import { containerEnv, type GitRemote, type GitState, runSidecarPreStop } from "./git-session.js";
import { renkuImageOf } from "./image-contracts.js";
import type { PodModel } from "./pod-model.js";

export interface PodStopper {
  api: KubeApi;
  gc: GarbageCollector;
  gitRemote: GitRemote | undefined;
  /** Scales the git proxy's grace period (tests shorten it). */
  graceScale: number;
  /** Asks for a pass after `ms` (a held stop ends then). */
  wake: (ms: number) => void;
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
    model.terminated = true;
    k.gc.touch();
    return true;
  }
  let shutdown = false;
  const proxy = model.regular.find(
    (c) => renkuImageOf(c.image) === "git-https-proxy" && "running" in c.state,
  );
  for (const c of model.regular) {
    const command = (c.spec as { lifecycle?: { preStop?: { exec?: { command?: string[] } } } })
      .lifecycle?.preStop?.exec?.command;
    if (!command || !("running" in c.state) || !state) continue;
    if (renkuImageOf(c.image) !== "git-rpc-server" && c.name !== "git-sidecar") continue;
    const result = runSidecarPreStop(c.spec, command, state, proxy?.spec, k.gitRemote);
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
  return true;
}

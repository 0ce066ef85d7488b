/**
 * A stop or hibernation of an AmaltheaSession handed off (D24). Amalthea 0.31 gives the pod no
 * `terminationGracePeriodSeconds` and its CRD has no field for one, so the sidecar's preStop
 * autosave has Kubernetes' default 30 s: before the pod goes, the handed-off stop asks the sidecar
 * for the same autosave over its RPC. Until then the session is marked as stopping: an annotation
 * its status reads.
 */
import type { NamespaceClient } from "../../k8s/namespace-client.js";
import { askAutosave } from "../pod/autosave-rpc.js";
import { podName } from "../pod/ownership.js";
import { isAnonymousSession } from "../pod/status.js";
import type { AutosaveOutcome, StopAction } from "../port.js";
import { sidecarPodTarget } from "./sidecar.js";
import type { AmaltheaSession } from "./types.js";

/** `{"action": "delete"|"hibernate", "at": ISO time}` while a handed-off stop is under way. */
export const STOP_REQUESTED_ANNOTATION = "renku.io/stopRequested";

/** Is a handed-off stop under way (the status shows `stopping`)? */
export const stopRequested = (cr: Pick<AmaltheaSession, "metadata">): boolean =>
  Boolean(cr.metadata.annotations?.[STOP_REQUESTED_ANNOTATION]);

/**
 * Marks the session when its pod runs a git sidecar whose work an autosave could save: registered,
 * not hibernated (a hibernated session has no pod). The marked CR is the caller's signal to hand off.
 */
export async function markStopping(
  repo: Pick<NamespaceClient<AmaltheaSession>, "patchMerge">,
  cr: AmaltheaSession,
  action: StopAction,
  now: Date,
): Promise<AmaltheaSession | undefined> {
  if (cr.spec.hibernated || isAnonymousSession(cr) || !sidecarPodTarget(cr)) return undefined;
  const value = JSON.stringify({ action, at: now.toISOString() });
  return repo.patchMerge(cr.metadata.name, {
    metadata: { annotations: { [STOP_REQUESTED_ANNOTATION]: value } },
  });
}

/** The sidecar's autosave through the API server's pod proxy, as git/get_status is asked. */
export function autosaveNow(
  repo: Pick<NamespaceClient<AmaltheaSession>, "postPodProxy">,
  cr: AmaltheaSession,
  deadlineMs: number,
): Promise<AutosaveOutcome> {
  const target = sidecarPodTarget(cr);
  if (!target) return Promise.resolve({ failed: "unreachable", detail: "no git sidecar" });
  return askAutosave(
    (body, timeoutMs) =>
      repo.postPodProxy<unknown>(
        podName(cr.metadata.name),
        target.port,
        target.path,
        body,
        timeoutMs,
      ),
    deadlineMs,
  );
}

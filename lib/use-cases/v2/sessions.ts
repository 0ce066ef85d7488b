/**
 * The v2 reads and writes on existing sessions (v2-sessions.md 1.1; data-services' k8s_client.py
 * and core_sessions.py patch_session): a caller sees only the AmaltheaSessions labelled with their
 * id, whoever created them (this service or renku-data-services).
 */

import type { Deps } from "../../adapters/deps.js";
import type { V2Caller } from "../../auth/v2-caller.js";
import type { AmaltheaSession } from "../../backends/amaltheasession/types.js";
import { isLabelValue } from "../../util/labels.js";
import { isRenkuV2Session, LABELS } from "./serialize.js";

export type SessionDeps = Pick<Deps, "amaltheaSessions">;

const isNonInteractive = (cr: AmaltheaSession) => {
  const t = cr.metadata.labels?.[LABELS.type];
  return t === "non_interactive" || t === "non-interactive";
};

/** The caller's sessions of a type (absent: all types), sorted by launcher then newest first. */
export async function listSessions(
  deps: SessionDeps,
  caller: V2Caller,
  type?: "interactive" | "non-interactive",
): Promise<AmaltheaSession[]> {
  if (!isLabelValue(caller.id)) return [];
  let selector = `${LABELS.user}=${caller.id}`;
  if (type === "non-interactive") selector += `,${LABELS.type}=non_interactive`;
  // One list from the API server's watch cache (resourceVersion=0), as v1's list: the UI polls
  // this every 5 s per open browser, and data-services itself answers from a cache of its watcher.
  const all = await deps.amaltheaSessions.list(selector, { cached: true });
  const launcher = (cr: AmaltheaSession) => cr.metadata.annotations?.["renku.io/launcher_id"] ?? "";
  const created = (cr: AmaltheaSession) =>
    (cr.metadata as { creationTimestamp?: string }).creationTimestamp ?? "";
  return all
    .filter(isRenkuV2Session)
    .filter((cr) => (type === "interactive" ? !isNonInteractive(cr) : true))
    .sort((a, b) =>
      launcher(a) === launcher(b)
        ? created(b).localeCompare(created(a))
        : launcher(a).localeCompare(launcher(b)),
    );
}

/** The caller's session of that name, or undefined (another user's is the same as none). */
export async function findSession(
  deps: SessionDeps,
  caller: V2Caller,
  name: string,
): Promise<AmaltheaSession | undefined> {
  if (!isLabelValue(name) || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) return undefined;
  const cr = await deps.amaltheaSessions.get(name);
  if (!cr || cr.metadata.labels?.[LABELS.user] !== caller.id || !isRenkuV2Session(cr))
    return undefined;
  return cr;
}

/** Deletes the caller's session if there is one (Foreground, as data-services); never fails on none. */
export async function deleteSession(deps: SessionDeps, caller: V2Caller, name: string) {
  const cr = await findSession(deps, caller, name);
  if (cr) await deps.amaltheaSessions.delete(name);
}

/** Container -> its last lines, init containers first; {} before the pod exists. */
export async function sessionLogs(
  deps: SessionDeps,
  name: string,
  maxLines: number,
): Promise<Record<string, string>> {
  const podName = `${name}-0`;
  const pod = await deps.amaltheaSessions.getPod(podName);
  if (!pod) return {};
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map(
    (c) => c.name,
  );
  const out: Record<string, string> = {};
  const logs = await Promise.all(
    containers.map((c) =>
      deps.amaltheaSessions.readLogs(podName, c, { tailLines: Math.max(0, maxLines) }),
    ),
  );
  containers.forEach((c, i) => {
    const text = logs[i];
    // Containers that have not started answer 400: left out, as data-services does.
    if (text !== undefined) out[c] = text.replace(/\n$/, "");
  });
  return out;
}

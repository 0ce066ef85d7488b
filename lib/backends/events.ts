/**
 * The events of a session's own objects, for either backend: the operator names the StatefulSet
 * and the PVC after the session and the pod after the StatefulSet, so one event list per name
 * covers them; kinds and namespace are checked, and events older than the resource (an earlier
 * session of the same name) are left out.
 */
import type { CoreV1Event } from "@kubernetes/client-node/dist/gen/index.js";
import type { SessionEventRecord } from "./port.js";

export interface EventSource {
  name: string;
  kinds: string[];
}

interface Owned {
  kind: string;
  metadata: { name: string; namespace?: string; creationTimestamp?: string };
}

/** The resource itself (and its StatefulSet and PVC), and its pod. */
export const eventSources = (cr: Owned, pod: string): EventSource[] => [
  { name: cr.metadata.name, kinds: [cr.kind, "StatefulSet", "PersistentVolumeClaim"] },
  { name: pod, kinds: ["Pod"] },
];

/** `spec.containers{git-clone}` -> git-clone. */
export const containerOfEvent = (event: CoreV1Event): string | undefined =>
  /^spec\.(?:initContainers|containers)\{([^}]+)\}$/.exec(
    event.involvedObject?.fieldPath ?? "",
  )?.[1];

const timeOf = (e: CoreV1Event): number => {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  const ms = t ? new Date(t as unknown as string).getTime() : 0;
  return Number.isNaN(ms) ? 0 : ms;
};

export async function ownEvents(
  cr: Owned,
  pod: string,
  listEvents: (involvedObjectName: string) => Promise<CoreV1Event[]>,
  stepOf: (container: string) => string | undefined,
): Promise<SessionEventRecord[]> {
  const sources = eventSources(cr, pod);
  const lists = await Promise.all(sources.map((s) => listEvents(s.name)));
  // Creation times have second precision: an event of the creating second still counts.
  const born = cr.metadata.creationTimestamp ? Date.parse(cr.metadata.creationTimestamp) - 1000 : 0;
  const out: SessionEventRecord[] = [];
  for (const [i, list] of lists.entries()) {
    const source = sources[i];
    for (const event of list) {
      const involved = event.involvedObject;
      if (!source || involved?.name !== source.name) continue;
      if (!source.kinds.includes(involved.kind ?? "")) continue;
      const ns = cr.metadata.namespace;
      if (ns && involved.namespace && involved.namespace !== ns) continue;
      if (timeOf(event) < born) continue;
      const container = containerOfEvent(event);
      out.push({ event, step: container ? stepOf(container) : undefined });
    }
  }
  return out;
}

/**
 * The events of a session's own objects, for either backend: the operator names the StatefulSet
 * and the PVC after the session and the pod after the StatefulSet, so one event list per name
 * finds them; an event then belongs to the session by its object's uid (the resource's own, and
 * those of the StatefulSet, PVC and pod that the resource owns), never by name or time alone: a
 * reused session name must not show the objects of the session that had it before.
 */
import type {
  CoreV1Event,
  V1ObjectMeta,
  V1OwnerReference,
} from "@kubernetes/client-node/dist/gen/index.js";
import type { SessionEventRecord } from "./port.js";

export interface EventSource {
  name: string;
  kinds: string[];
}

interface Owned {
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string };
}

type Meta = Pick<V1ObjectMeta, "uid" | "ownerReferences"> | undefined;

/** What the events need to read: the lists by object name, and the owned objects for their uids. */
export interface EventReads {
  listEvents(involvedObjectName: string): Promise<CoreV1Event[]>;
  getStatefulSet(name: string): Promise<{ metadata?: Meta } | undefined>;
  getPod(name: string): Promise<{ metadata?: Meta } | undefined>;
  getPersistentVolumeClaim(name: string): Promise<{ metadata?: Meta } | undefined>;
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

const ownedBy = (meta: Meta, owner: string | undefined): string | undefined =>
  owner && meta?.uid && (meta.ownerReferences ?? []).some((r: V1OwnerReference) => r.uid === owner)
    ? meta.uid
    : undefined;

/** The uids of the resource and of the objects it owns (the pod through its StatefulSet). */
async function ownUids(cr: Owned, pod: string, reads: EventReads): Promise<Set<string>> {
  const own = cr.metadata.uid;
  const [sts, pvc, p] = await Promise.all([
    reads.getStatefulSet(cr.metadata.name),
    reads.getPersistentVolumeClaim(cr.metadata.name),
    reads.getPod(pod),
  ]);
  const stsUid = ownedBy(sts?.metadata, own);
  const uids = [own, stsUid, ownedBy(pvc?.metadata, own), ownedBy(p?.metadata, stsUid)];
  return new Set(uids.filter((u): u is string => !!u));
}

export async function ownEvents(
  cr: Owned,
  pod: string,
  reads: EventReads,
  stepOf: (container: string) => string | undefined,
): Promise<SessionEventRecord[]> {
  const sources = eventSources(cr, pod);
  const [uids, ...lists] = await Promise.all([
    ownUids(cr, pod, reads),
    ...sources.map((s) => reads.listEvents(s.name)),
  ]);
  const out: SessionEventRecord[] = [];
  for (const [i, list] of lists.entries()) {
    const source = sources[i];
    for (const event of list) {
      const involved = event.involvedObject;
      if (!source || involved?.name !== source.name) continue;
      if (!source.kinds.includes(involved.kind ?? "")) continue;
      if (!involved.uid || !uids.has(involved.uid)) continue;
      const ns = cr.metadata.namespace;
      if (ns && involved.namespace && involved.namespace !== ns) continue;
      const container = containerOfEvent(event);
      out.push({ event, step: container ? stepOf(container) : undefined });
    }
  }
  return out;
}

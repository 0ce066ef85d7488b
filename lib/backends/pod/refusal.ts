/**
 * A session the cluster refuses to run (issue 23): the API server refused its StatefulSet or its
 * pod (validation, admission), so no pod ever comes and the session shows `starting` for ever.
 * What says why is an event, or nothing: the StatefulSet controller records FailedCreate on the
 * StatefulSet for a refused pod; Amalthea 0.24 (kopf) posts its handler's exception as an Error
 * event on the JupyterServer; Amalthea 0.31 records no event and writes no status after the URL
 * (the refusal is in its log only). Read for a starting session without a pod, the refusal is a
 * critical status warning.
 */
import type { CoreV1Event } from "@kubernetes/client-node/dist/gen/index.js";
import type { NamespaceClient } from "../../k8s/namespace-client.js";
import type { StatusWarning } from "./status.js";

export interface RefusalReadings {
  /** The events named after the session (its resource and its StatefulSet share the name). */
  events: CoreV1Event[];
  /** The session resource's uid. */
  resourceUid: string | undefined;
  /** The StatefulSet's uid; undefined when there is none. */
  statefulSetUid: string | undefined;
  /** The operator has reconciled the session once, and it has no StatefulSet. */
  statefulSetMissing: boolean;
}

const POD_REFUSED = "The cluster refused to create the session's pod: ";
const STS_REFUSED = "The cluster refused to create the session: ";
export const STS_MISSING =
  "The session's StatefulSet has not been created: the cluster may have refused it, and Amalthea writes why only to its log. Please contact your administrator.";

const time = (e: CoreV1Event) =>
  Date.parse(String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? "")) || 0;

/** The API server's own words in kopf's message: the Status body's `message`, else its first line. */
function kopfReason(message: string): string {
  const body = /HTTP response body: (\{.*\})\s*$/s.exec(message)?.[1];
  if (body) {
    try {
      const status = JSON.parse(body) as { message?: unknown };
      if (typeof status.message === "string") return status.message;
    } catch {
      // a cut message: the first line below
    }
  }
  return message.split("\n")[0] ?? message;
}

export function refusalWarning(r: RefusalReadings): StatusWarning | undefined {
  const mine = (e: CoreV1Event, uid: string | undefined) =>
    uid !== undefined && e.involvedObject?.uid === uid;
  const found = r.events
    .filter(
      (e) =>
        (mine(e, r.statefulSetUid) && e.reason === "FailedCreate") ||
        (mine(e, r.resourceUid) &&
          e.type === "Error" &&
          (e.message ?? "").startsWith("Handler 'create_fn' failed")),
    )
    .sort((a, b) => time(b) - time(a))[0];
  if (found) {
    const message = found.message ?? "";
    return found.reason === "FailedCreate"
      ? {
          message: `${POD_REFUSED}${message.replace(/^create Pod \S+ in StatefulSet \S+ failed error: /, "")}`,
          critical: true,
        }
      : { message: `${STS_REFUSED}${kopfReason(message)}`, critical: true };
  }
  return r.statefulSetMissing ? { message: STS_MISSING, critical: true } : undefined;
}

/** A starting session without a pod, whose refusal a list reads with the others'. */
export interface RefusalTarget {
  name: string;
  /** The session resource's uid. */
  resourceUid: string | undefined;
  /** The operator has reconciled it once: a missing StatefulSet is then a refusal. */
  reconciled: boolean;
}

/**
 * The events that can say why, namespace-wide in one list: a refusal is never Normal and never
 * about a pod (a starting pod's own warnings, the bulk of a busy namespace's, say nothing here).
 * Both are field selectors the API server supports for events (type, involvedObject.kind).
 */
export const REFUSAL_EVENTS = "type!=Normal,involvedObject.kind!=Pod";

/**
 * The refusals of many sessions in two calls whatever their number (a polling list's): the
 * events above, and the sessions' StatefulSets by `statefulSets`, a label selector naming them
 * all (the operator's own labels, e.g. `app.kubernetes.io/instance in (a,b)`). An event is the
 * session's by its object's uid, as in readRefusal. No target, no call.
 */
export async function readRefusals(
  repo: Pick<NamespaceClient, "listEventsMatching" | "listStatefulSets">,
  statefulSets: (names: string[]) => string,
  targets: RefusalTarget[],
): Promise<Map<string, StatusWarning | undefined>> {
  if (targets.length === 0) return new Map();
  const [events, sets] = await Promise.all([
    repo.listEventsMatching(REFUSAL_EVENTS),
    repo.listStatefulSets(statefulSets(targets.map((t) => t.name))),
  ]);
  const byUid = new Map<string, CoreV1Event[]>();
  for (const e of events) {
    const uid = e.involvedObject?.uid;
    if (!uid) continue;
    const own = byUid.get(uid);
    if (own) own.push(e);
    else byUid.set(uid, [e]);
  }
  const uidOf = new Map(sets.map((s) => [s.metadata?.name, s.metadata?.uid]));
  return new Map(
    targets.map((t) => {
      const statefulSetUid = uidOf.get(t.name);
      const own = [t.resourceUid, statefulSetUid].flatMap((u) => (u ? (byUid.get(u) ?? []) : []));
      const warning = refusalWarning({
        events: own,
        resourceUid: t.resourceUid,
        statefulSetUid,
        statefulSetMissing: t.reconciled && !uidOf.has(t.name),
      });
      return [t.name, warning];
    }),
  );
}

/** `key in (a,b)`: one label selector for many sessions' objects. */
export const labelIn = (key: string, values: string[]) => `${key} in (${values.join(",")})`;

/** The events named after the session and its StatefulSet, read together (two calls). */
export async function readRefusal(
  repo: Pick<NamespaceClient, "listEvents" | "getStatefulSet">,
  { name, resourceUid, reconciled }: RefusalTarget,
): Promise<StatusWarning | undefined> {
  const [events, sts] = await Promise.all([repo.listEvents(name), repo.getStatefulSet(name)]);
  return refusalWarning({
    events,
    resourceUid,
    statefulSetUid: sts?.metadata?.uid,
    statefulSetMissing: reconciled && !sts,
  });
}

/**
 * A backend's refusal readings over its own sessions: `target` picks a starting session without a
 * pod, `statefulSetsNamed` selects many sessions' StatefulSets by the operator's labels; what
 * the cluster says is attached to the session as its `refusal`.
 */
export function refusalReaders<
  S extends { readonly name: string; readonly refusal?: StatusWarning | undefined },
>(
  repo: Pick<
    NamespaceClient,
    "listEvents" | "getStatefulSet" | "listEventsMatching" | "listStatefulSets"
  >,
  target: (session: S) => RefusalTarget | undefined,
  statefulSetsNamed: (names: string[]) => string,
): { one(session: S): Promise<S>; many(sessions: S[]): Promise<S[]> } {
  return {
    one: async (session) => {
      const t = target(session);
      return t ? { ...session, refusal: await readRefusal(repo, t) } : session;
    },
    many: async (sessions) => {
      const targets = sessions.flatMap((session) => target(session) ?? []);
      const refusals = await readRefusals(repo, statefulSetsNamed, targets);
      return sessions.map((session) =>
        refusals.has(session.name) ? { ...session, refusal: refusals.get(session.name) } : session,
      );
    },
  };
}

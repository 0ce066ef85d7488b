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

/** The events named after the session and its StatefulSet, read together (two calls). */
export async function readRefusal(
  repo: Pick<NamespaceClient, "listEvents" | "getStatefulSet">,
  name: string,
  resourceUid: string | undefined,
  reconciled: boolean,
): Promise<StatusWarning | undefined> {
  const [events, sts] = await Promise.all([repo.listEvents(name), repo.getStatefulSet(name)]);
  return refusalWarning({
    events,
    resourceUid,
    statefulSetUid: sts?.metadata?.uid,
    statefulSetMissing: reconciled && !sts,
  });
}

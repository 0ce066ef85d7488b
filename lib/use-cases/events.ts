/**
 * GET /servers/<name>/events: the caller's session's Kubernetes events, oldest first, each with
 * the status step it is about, from a `since` cursor so a UI can poll for what is new. Only the
 * session's own objects are read (names derived from the owned resource, kinds checked), and
 * messages are scrubbed of token-like strings: events can quote commands and credentials.
 */
import type { CoreV1Event } from "@kubernetes/client-node/dist/gen/index.js";
import type { User } from "../auth/user.js";
import { eventSources, stepOfEvent } from "../backends/jupyterserver/index.js";
import type { Deps } from "../deps.js";
import { AppError, intermittentError } from "../errors.js";
import { redactSecrets } from "../redact.js";
import { notFoundMessages, requireOwnedServer } from "./lookup.js";

/** At most this many events per answer; `next_since` pages on. */
export const MAX_EVENTS = 200;

export interface SessionEvent {
  time: string;
  type: string;
  reason: string;
  message: string;
  count: number;
  object: { kind: string; name: string };
  step: string | null;
}

export interface SessionEvents {
  events: SessionEvent[];
  /** Pass as `since` to get only what is newer; null while there is nothing yet. */
  next_since: string | null;
}

/** Ordered by last change time, then resourceVersion: a repeated event moves to the end. */
interface Keyed {
  ms: number;
  rv: bigint;
  event: CoreV1Event;
}

const timeOf = (e: CoreV1Event): number => {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  const ms = t ? new Date(t as unknown as string).getTime() : 0;
  return Number.isNaN(ms) ? 0 : ms;
};

const versionOf = (e: CoreV1Event): bigint => {
  const rv = e.metadata?.resourceVersion ?? "";
  return /^\d{1,30}$/.test(rv) ? BigInt(rv) : 0n;
};

/** A cursor is `<milliseconds>-<resourceVersion>` of the last event seen (lib/api/schemas.ts). */
const cursorOf = (k: Keyed) => `${k.ms}-${k.rv}`;
const after = (k: Keyed, since: { ms: number; rv: bigint }) =>
  k.ms > since.ms || (k.ms === since.ms && k.rv > since.rv);

function parseCursor(since: string | undefined) {
  if (!since) return undefined;
  const [ms, rv] = since.split("-");
  return { ms: Number(ms), rv: BigInt(rv ?? "0") };
}

/** One GET of the JupyterServer, then one event list per object name, in parallel. */
export async function readSessionEvents(
  deps: Pick<Deps, "k8s">,
  user: Pick<User, "safeUsername" | "id">,
  name: string,
  since: string | undefined,
): Promise<SessionEvents> {
  const js = await requireOwnedServer(deps, user, name, notFoundMessages.get(name));
  const sources = eventSources(js);
  let lists: CoreV1Event[][];
  try {
    lists = await Promise.all(sources.map((s) => deps.k8s.listEvents(s.name)));
  } catch (err) {
    throw intermittentError(`The events of session ${name} cannot be read.`, {
      cause: err instanceof AppError ? (err.cause ?? err) : err,
    });
  }
  // Events of an earlier session of the same name (stopped, relaunched) are not this one's.
  const born = js.metadata.creationTimestamp ? Date.parse(js.metadata.creationTimestamp) : 0;
  const namespace = (js.metadata as { namespace?: string }).namespace;
  const cursor = parseCursor(since);
  const keyed: Keyed[] = [];
  for (const [i, list] of lists.entries()) {
    const source = sources[i];
    for (const event of list) {
      const involved = event.involvedObject;
      if (!source || involved?.name !== source.name) continue;
      if (!source.kinds.includes(involved.kind ?? "")) continue;
      if (namespace && involved.namespace && involved.namespace !== namespace) continue;
      const k = { ms: timeOf(event), rv: versionOf(event), event };
      // Creation times have second precision: an event of the creating second still counts.
      if (k.ms < born - 1000) continue;
      if (cursor && !after(k, cursor)) continue;
      keyed.push(k);
    }
  }
  keyed.sort((a, b) => a.ms - b.ms || (a.rv < b.rv ? -1 : a.rv > b.rv ? 1 : 0));
  const page = keyed.slice(0, MAX_EVENTS);
  const last = page.at(-1);
  return {
    events: page.map(({ ms, event }) => ({
      time: new Date(ms).toISOString(),
      type: event.type ?? "Normal",
      reason: event.reason ?? "",
      message: redactSecrets(event.message ?? ""),
      count: event.count ?? 1,
      object: { kind: event.involvedObject.kind ?? "", name: event.involvedObject.name ?? "" },
      step: stepOfEvent(event) ?? null,
    })),
    next_since: last ? cursorOf(last) : (since ?? null),
  };
}

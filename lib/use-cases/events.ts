/**
 * GET /servers/<name>/events: the caller's session's Kubernetes events, oldest first, each with
 * the status step it is about, from a `since` cursor so a UI can poll for what is new. Only the
 * session's own objects are read (names derived from the owned resource, kinds checked), and
 * messages are scrubbed of secrets (events can quote commands and credentials) but keep the names
 * of the session's own objects.
 */

import type { Deps } from "../adapters/deps.js";
import type { User } from "../auth/user.js";
import type { SessionEventRecord } from "../backends/port.js";
import { AppError, intermittentError } from "../errors.js";
import { redactSecrets } from "../obs/redact.js";
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
interface Keyed extends SessionEventRecord {
  ms: number;
  rv: bigint;
}

const timeOf = (e: SessionEventRecord["event"]): number => {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  const ms = t ? new Date(t as unknown as string).getTime() : 0;
  return Number.isNaN(ms) ? 0 : ms;
};

const versionOf = (e: SessionEventRecord["event"]): bigint => {
  const rv = e.metadata?.resourceVersion ?? "";
  return /^\d{1,30}$/.test(rv) ? BigInt(rv) : 0n;
};

/** A cursor is `<milliseconds>-<resourceVersion>` of the last event seen (lib/api/requests.ts). */
const cursorOf = (k: Keyed) => `${k.ms}-${k.rv}`;
const after = (k: Keyed, since: { ms: number; rv: bigint }) =>
  k.ms > since.ms || (k.ms === since.ms && k.rv > since.rv);

function parseCursor(since: string | undefined) {
  if (!since) return undefined;
  const [ms, rv] = since.split("-");
  return { ms: Number(ms), rv: BigInt(rv ?? "0") };
}

/** One lookup of the session, then one event list per object name, in parallel. */
export async function readSessionEvents(
  deps: Pick<Deps, "sessions">,
  user: Pick<User, "safeUsername" | "id" | "kind">,
  name: string,
  since: string | undefined,
): Promise<SessionEvents> {
  const session = await requireOwnedServer(deps, user, name, notFoundMessages.get(name));
  let records: SessionEventRecord[];
  try {
    records = await deps.sessions.events(session);
  } catch (err) {
    throw intermittentError(`The events of session ${name} cannot be read.`, {
      cause: err instanceof AppError ? (err.cause ?? err) : err,
    });
  }
  const cursor = parseCursor(since);
  const keyed: Keyed[] = records
    .map((r) => ({ ...r, ms: timeOf(r.event), rv: versionOf(r.event) }))
    .filter((k) => !cursor || after(k, cursor));
  keyed.sort((a, b) => a.ms - b.ms || (a.rv < b.rv ? -1 : a.rv > b.rv ? 1 : 0));
  const page = keyed.slice(0, MAX_EVENTS);
  const last = page.at(-1);
  // The session's own objects (its pod, its StatefulSet) stay named in the messages.
  const own = [name, ...new Set(records.map((r) => r.event.involvedObject.name ?? ""))];
  return {
    events: page.map(({ ms, event, step }) => ({
      time: new Date(ms).toISOString(),
      type: event.type ?? "Normal",
      reason: event.reason ?? "",
      message: redactSecrets(event.message ?? "", own),
      count: event.count ?? 1,
      object: { kind: event.involvedObject.kind ?? "", name: event.involvedObject.name ?? "" },
      step: step ?? null,
    })),
    next_since: last ? cursorOf(last) : (since ?? null),
  };
}

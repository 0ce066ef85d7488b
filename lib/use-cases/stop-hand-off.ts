/**
 * A stop or hibernation with the git sidecar's autosave first (D24). The API function marks the
 * session as stopping and hands the stop off (handOffStop); the sessionStop function then asks the
 * sidecar to autosave within NB_AUTOSAVE__ON_STOP_DEADLINE_SECONDS and stops whatever the outcome
 * (runHandedOffStop). Without a hand-off, or when the session needs none, the caller stops inline.
 */
import type { Deps } from "../adapters/deps.js";
import { isStopEvent, type StopJob } from "../autosave/stop-hand-off.js";
import type { Session } from "../backends/port.js";
import { describeError } from "../errors.js";
import { instrumentJob } from "../obs/instrument.js";
import { countEvent } from "../obs/metrics.js";

/** The marked session when the stop was handed off; undefined: the caller stops inline. */
export async function handOffStop(
  deps: Pick<Deps, "sessions" | "stopHandOff" | "log" | "now">,
  session: Session,
  action: StopJob["action"],
): Promise<Session | undefined> {
  const handOff = deps.stopHandOff;
  if (!handOff) return undefined;
  let marked: Session | undefined;
  try {
    marked = await deps.sessions.markStopping(session, action, deps.now());
    if (!marked) return undefined;
    await handOff({ name: session.name, action });
  } catch (err) {
    // Stopped inline instead, which removes a mark: a deletion takes it along, a hibernation clears it.
    deps.log.warn(
      { server: session.name, action, err: describeError(err) },
      "stop hand-off failed, stopping here without the autosave first",
    );
    return undefined;
  }
  return marked;
}

export interface HandedOffStopResult {
  server: string;
  action: StopJob["action"];
  /** The branch pushed, "" nothing to save, "gone" no session; else why the autosave failed. */
  autosave: string;
  stopped: boolean;
}

/** The handed-off stop: the autosave within its deadline, then the deletion or hibernation. */
export async function runHandedOffStop(
  deps: Pick<Deps, "sessions" | "config" | "log" | "now" | "quotas">,
  job: StopJob,
): Promise<HandedOffStopResult> {
  const { sessions, log } = deps;
  const server = job.name;
  const session = await sessions.get(server);
  if (!session) return { server, action: job.action, autosave: "gone", stopped: false };
  const deadlineMs = deps.config.autosave.on_stop_deadline_seconds * 1000;
  const outcome = await sessions.autosaveNow(session, deadlineMs);
  let autosave: string;
  if ("saved" in outcome) {
    autosave = outcome.saved;
    log.info({ server, action: job.action, branch: outcome.saved }, "autosaved before the stop");
  } else {
    autosave = outcome.failed;
    log.warn(
      { server, action: job.action, reason: outcome.failed, detail: outcome.detail },
      "the sidecar's autosave before the stop failed; stopping anyway",
    );
  }
  if (job.action === "delete") {
    const stopped = await sessions.delete(server, { forced: false });
    if (stopped) countEvent("Stops");
    return { server, action: job.action, autosave, stopped };
  }
  // The session may have changed meanwhile: hibernate what is there now.
  const current = await sessions.get(server);
  if (!current || sessions.isHibernated(current))
    return { server, action: job.action, autosave, stopped: false };
  await sessions.hibernate(current, deps.now());
  countEvent("Hibernations");
  await deps.quotas.releaseSession(server).catch((err: unknown) => {
    log.warn(
      { server, err: describeError(err) },
      "could not free a hibernated session's quota places",
    );
  });
  return { server, action: job.action, autosave, stopped: true };
}

/** The sessionStop function's entry point on these dependencies; anything but a StopEvent is refused. */
export function stopEntry(
  getDeps: () => Pick<Deps, "sessions" | "config" | "log" | "now" | "quotas">,
): (event: unknown, context?: { awsRequestId?: string }) => Promise<HandedOffStopResult> {
  const run = async (event: unknown, context?: { awsRequestId?: string }) => {
    const deps = getDeps();
    if (!isStopEvent(event))
      throw new Error("not a stop event: expected {stopSession: {name, action}}");
    const log = deps.log.child({ job: "sessionStop", requestId: context?.awsRequestId ?? "local" });
    const result = await runHandedOffStop({ ...deps, log }, event.stopSession);
    log.info(result, "handed-off stop done");
    return result;
  };
  return instrumentJob("sessionStop", run, () => getDeps().config);
}

/**
 * A stop or hibernation handed off (D24): the API function marks the session as stopping and
 * hands the stop to the sessionStop function as an asynchronous invocation, which asks the git
 * sidecar to autosave (with a deadline), then deletes or hibernates. The response does not wait:
 * API Gateway answers in 29 s, an autosave may take minutes.
 */
import { DNS_LABEL } from "../util/labels.js";

/** What the handed-off stop needs; no token: the receiving function acts with its own access. */
export interface StopJob {
  /** The session's name (its owner was checked by the API function). */
  name: string;
  action: "delete" | "hibernate";
}

/** The invocation's event. */
export interface StopEvent {
  stopSession: StopJob;
}

/** Queues the job elsewhere; resolves once it is accepted, rejects when it was not. */
export type StopHandOff = (job: StopJob) => Promise<void>;

export function isStopEvent(event: unknown): event is StopEvent {
  const job = (event as Partial<StopEvent> | null | undefined)?.stopSession;
  return (
    typeof job === "object" &&
    job !== null &&
    typeof job.name === "string" &&
    DNS_LABEL.test(job.name) &&
    (job.action === "delete" || job.action === "hibernate")
  );
}

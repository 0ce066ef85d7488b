/**
 * The clean-up on launch (D11) off the response path: the launch hands what the clean-up needs to
 * the autosaveCleanup function as an asynchronous invocation, which runs it with the service
 * token. The launch still records the project in the ledger, so a lost invocation is caught up by
 * the scheduled run.
 */

/** What the clean-up on launch needs; no token: the receiving function acts with its own. */
export interface LaunchCleanupJob {
  projectId: number;
  /** The caller's raw Renku username. */
  username: string;
  /** The launched commit's full SHA. */
  commit: string;
}

/** The invocation's event. */
export interface LaunchCleanupEvent {
  launchCleanup: LaunchCleanupJob;
}

/** Queues the job elsewhere; resolves once it is accepted, rejects when it was not. */
export type LaunchCleanupHandOff = (job: LaunchCleanupJob) => Promise<void>;

export function isLaunchCleanupEvent(event: unknown): event is LaunchCleanupEvent {
  const job = (event as Partial<LaunchCleanupEvent> | null | undefined)?.launchCleanup;
  return (
    typeof job === "object" &&
    job !== null &&
    Number.isSafeInteger(job.projectId) &&
    typeof job.username === "string" &&
    job.username !== "" &&
    typeof job.commit === "string" &&
    /^[0-9a-f]{7,64}$/i.test(job.commit)
  );
}

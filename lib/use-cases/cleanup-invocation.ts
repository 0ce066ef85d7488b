/**
 * One invocation of the clean-up function: the scheduled clean-up of stale autosave branches (D17),
 * or the clean-up on launch (D11) that POST /servers hands off as an asynchronous invocation
 * (lib/autosave/hand-off.ts). Counted and instrumented as a job.
 */
import type { Context, ScheduledEvent } from "aws-lambda";
import type { CleanupSummary } from "../autosave/cleanup-job.js";
import { isLaunchCleanupEvent, type LaunchCleanupEvent } from "../autosave/hand-off.js";
import type { LaunchCleanupResult } from "../autosave/on-launch.js";
import { instrumentJob } from "../obs/instrument.js";
import { countEvent } from "../obs/metrics.js";
import { type CleanupDeps, runHandedOffCleanup, runScheduledCleanup } from "./scheduled-cleanup.js";

type InvocationContext =
  | Partial<Pick<Context, "getRemainingTimeInMillis" | "awsRequestId">>
  | undefined;

interface Invocation {
  (event: ScheduledEvent | undefined, context: InvocationContext): Promise<CleanupSummary>;
  (event: LaunchCleanupEvent, context: InvocationContext): Promise<LaunchCleanupResult>;
}

/** The entry point on these dependencies: the summary is the invocation's result (and last log line). */
export function cleanupEntry(getDeps: () => CleanupDeps): Invocation {
  const run = async (
    event: ScheduledEvent | LaunchCleanupEvent | undefined,
    context: InvocationContext,
  ): Promise<CleanupSummary | LaunchCleanupResult> => {
    const deps = getDeps();
    const requestId = context?.awsRequestId ?? "local";
    if (isLaunchCleanupEvent(event)) {
      const log = deps.log.child({ job: "autosaveCleanupOnLaunch", requestId });
      return runHandedOffCleanup({ ...deps, log }, event.launchCleanup);
    }
    const log = deps.log.child({
      job: "autosaveCleanup",
      requestId,
      scheduledAt: (event as ScheduledEvent | undefined)?.time,
    });
    const remainingMs = context?.getRemainingTimeInMillis?.();
    countEvent("CleanupRuns");
    const summary = await runScheduledCleanup(
      { ...deps, log },
      { remainingMs: typeof remainingMs === "number" && remainingMs > 0 ? remainingMs : undefined },
    );
    countEvent("CleanupScanned", summary.projectsScanned);
    countEvent("CleanupDeleted", summary.branchesDeleted);
    countEvent("CleanupFailed", summary.branchesFailed + summary.projectsFailed);
    return summary;
  };
  return instrumentJob("autosaveCleanup", run, () => getDeps().config) as Invocation;
}

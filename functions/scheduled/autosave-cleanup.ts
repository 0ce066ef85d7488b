/**
 * The scheduled clean-up of stale autosave branches (D17), run by an EventBridge schedule; the job
 * itself is lib/autosave/scheduled-run.ts. This file wires it: the ledger is its only adapter.
 */
import type { Context, ScheduledEvent } from "aws-lambda";
import { ledger } from "../../lib/adapters/ledger.js";
import type { CleanupSummary } from "../../lib/autosave/cleanup-job.js";
import { type CleanupDeps, runScheduledCleanup } from "../../lib/autosave/scheduled-run.js";
import { containerDeps } from "../../lib/deps.js";
import { instrumentJob } from "../../lib/obs/instrument.js";
import { countEvent } from "../../lib/obs/metrics.js";

type Invocation = (
  event: ScheduledEvent | undefined,
  context: Partial<Pick<Context, "getRemainingTimeInMillis" | "awsRequestId">> | undefined,
) => Promise<CleanupSummary>;

/** The entry point on these dependencies: the summary is the invocation's result (and last log line). */
export function cleanupEntry(getDeps: () => CleanupDeps): Invocation {
  const run: Invocation = async (event, context) => {
    const deps = getDeps();
    const log = deps.log.child({
      job: "autosaveCleanup",
      requestId: context?.awsRequestId ?? "local",
      scheduledAt: event?.time,
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
  return instrumentJob("autosaveCleanup", run, () => getDeps().config);
}

export const main = cleanupEntry(containerDeps({ ledger }));

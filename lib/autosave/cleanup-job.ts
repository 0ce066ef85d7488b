/**
 * The scheduled autosave clean-up (D17), orchestrated against the ports. For every project in the
 * ledger it lists the `renku/autosave/` branches (the client follows pagination and backs off on 429),
 * applies the retention policy, deletes (or, in a dry run, only reports), and finally prunes the
 * ledger. It keeps no state of its own, so a second run at the same time or after an interrupted one
 * simply re-evaluates what is left: a branch already gone counts as deleted, not failed.
 */
import pLimit from "p-limit";
import { AUTOSAVE_SEARCH } from "./branch-name.js";
import { pruneLedger, type WithLedgerOptions, withLedger } from "./ledger.js";
import {
  type AutosaveGitLab,
  type AutosaveLog,
  describeError,
  isNotFound,
  type LedgerEntry,
  type LedgerStore,
} from "./ports.js";
import { DAY_MS, decideRetention, type RetentionReason } from "./retention.js";

export interface CleanupJobInput {
  /** Acting with the service token. */
  gitlab: Pick<AutosaveGitLab, "listBranches" | "deleteBranch">;
  ledger: LedgerStore;
  log: AutosaveLog;
  /** The job's reference instant; read once at the start so every decision uses the same one. */
  now: () => Date;
  retentionMs: number;
  dryRun: boolean;
  /** At most this many GitLab calls in flight (and projects in progress). */
  concurrency: number;
  /** When aborted, no new project or deletion starts and the ledger is left as it was. */
  signal?: AbortSignal;
  ledgerOptions?: WithLedgerOptions;
}

export interface CleanupSummary {
  dryRun: boolean;
  /** The signal fired before the job finished; the next run completes the work. */
  interrupted: boolean;
  /** Projects whose branches were listed. */
  projectsScanned: number;
  /** Projects GitLab no longer shows (404): nothing to delete there; their entries may be pruned. */
  projectsMissing: number;
  /** Projects whose listing failed; the job went on with the others. */
  projectsFailed: number;
  /** Every branch listed under the prefix, autosave or not. */
  branchesEvaluated: number;
  branchesKept: number;
  /** Deleted by this run, including those another run deleted first (see branchesAlreadyGone). */
  branchesDeleted: number;
  branchesAlreadyGone: number;
  /** Chosen for deletion by the policy; in a dry run these are the ones that would be deleted. */
  branchesSelected: number;
  branchesFailed: number;
  /** Decisions by reason (deletions: expired, superseded; kept: recent, undated, not-autosave). */
  byReason: Record<RetentionReason, number>;
  /** Ledger entries dropped (in a dry run: that would be dropped). */
  ledgerEntriesPruned: number;
  /** Set when the final ledger write failed (the entries stay; the next run retries). */
  ledgerError?: string;
}

/** The job's settings from config.autosave (retention_days, dry_run, concurrency). */
export function cleanupSettings(autosave: {
  retention_days: number;
  dry_run: boolean;
  concurrency: number;
}): Pick<CleanupJobInput, "retentionMs" | "dryRun" | "concurrency"> {
  return {
    retentionMs: autosave.retention_days * DAY_MS,
    dryRun: autosave.dry_run,
    concurrency: autosave.concurrency,
  };
}

function emptySummary(dryRun: boolean): CleanupSummary {
  return {
    dryRun,
    interrupted: false,
    projectsScanned: 0,
    projectsMissing: 0,
    projectsFailed: 0,
    branchesEvaluated: 0,
    branchesKept: 0,
    branchesDeleted: 0,
    branchesAlreadyGone: 0,
    branchesSelected: 0,
    branchesFailed: 0,
    byReason: { expired: 0, superseded: 0, recent: 0, undated: 0, "not-autosave": 0 },
    ledgerEntriesPruned: 0,
  };
}

export async function runAutosaveCleanup(input: CleanupJobInput): Promise<CleanupSummary> {
  const { gitlab, log, dryRun, retentionMs, signal } = input;
  const now = input.now();
  const summary = emptySummary(dryRun);
  const aborted = () => signal?.aborted === true;

  // A ledger that cannot be read leaves nothing to do: fail the run so the scheduler shows it.
  const { entries } = await input.ledger.read();
  const projects = uniqueProjects(entries);
  log.info(
    { projects: projects.length, dryRun, retentionDays: retentionMs / DAY_MS },
    "autosave clean-up started",
  );

  const concurrency = Math.max(1, Math.floor(input.concurrency));
  const calls = pLimit(concurrency); // bounds GitLab requests in flight
  const projectSlots = pLimit(concurrency); // bounds projects held in memory at once
  /** Projects with no autosave left after this run (candidates for pruning). */
  const emptyProjects = new Set<number>();

  const scanProject = async (entry: LedgerEntry): Promise<void> => {
    if (aborted()) {
      summary.interrupted = true;
      return;
    }
    const { projectId, projectPath } = entry;
    let branches: Awaited<ReturnType<typeof gitlab.listBranches>>;
    try {
      branches = await calls(() => gitlab.listBranches(projectId, AUTOSAVE_SEARCH));
    } catch (err) {
      if (isNotFound(err)) {
        summary.projectsMissing++;
        emptyProjects.add(projectId);
        log.info({ projectId, projectPath }, "autosave clean-up: project is gone");
      } else {
        summary.projectsFailed++;
        log.warn(
          { projectId, projectPath, err: describeError(err) },
          "autosave clean-up: listing branches failed; going on with the other projects",
        );
      }
      return;
    }
    summary.projectsScanned++;
    summary.branchesEvaluated += branches.length;

    const decisions = decideRetention(
      branches.map((b) => ({ name: b.name, committedDate: b.commit?.committed_date ?? "" })),
      now,
      retentionMs,
    );
    let remaining = 0; // autosaves still there once this project is done
    let deleted = 0;
    let failed = 0;
    await Promise.all(
      decisions.map(async (d) => {
        summary.byReason[d.reason]++;
        if (d.action === "keep") {
          summary.branchesKept++;
          if (d.reason !== "not-autosave") remaining++;
          return;
        }
        summary.branchesSelected++;
        if (dryRun) {
          remaining++;
          log.info(
            { projectId, branch: d.name, reason: d.reason },
            "autosave clean-up (dry run): would delete",
          );
          return;
        }
        if (aborted()) {
          summary.interrupted = true;
          remaining++;
          return;
        }
        try {
          const outcome = await calls(() => {
            // Re-checked once a slot is free: an abort while queued starts nothing new.
            if (aborted()) return Promise.resolve("skipped" as const);
            return gitlab.deleteBranch(projectId, d.name);
          });
          if (outcome === "skipped") {
            summary.interrupted = true;
            remaining++;
            return;
          }
          summary.branchesDeleted++;
          deleted++;
          if (outcome === "missing") summary.branchesAlreadyGone++;
          log.debug(
            { projectId, branch: d.name, reason: d.reason, outcome },
            "autosave clean-up: deleted",
          );
        } catch (err) {
          summary.branchesFailed++;
          failed++;
          remaining++;
          log.warn(
            { projectId, branch: d.name, reason: d.reason, err: describeError(err) },
            "autosave clean-up: deleting a branch failed",
          );
        }
      }),
    );
    if (remaining === 0) emptyProjects.add(projectId);
    log.info(
      { projectId, projectPath, branches: branches.length, deleted, failed, remaining },
      "autosave clean-up: project done",
    );
  };

  await Promise.all(projects.map((p) => projectSlots(() => scanProject(p))));
  if (aborted()) summary.interrupted = true;

  if (summary.interrupted) {
    log.warn({}, "autosave clean-up interrupted; the ledger is left as it was");
  } else if (dryRun) {
    summary.ledgerEntriesPruned =
      entries.length - pruneLedger(entries, { emptyProjects, now, retentionMs }).length;
  } else {
    try {
      let pruned = 0;
      await withLedger(
        input.ledger,
        (current) => {
          const kept = pruneLedger(current, { emptyProjects, now, retentionMs });
          pruned = current.length - kept.length;
          return kept;
        },
        input.ledgerOptions,
      );
      summary.ledgerEntriesPruned = pruned;
    } catch (err) {
      summary.ledgerError = describeError(err);
      log.error({ err: summary.ledgerError }, "autosave clean-up: pruning the ledger failed");
    }
  }

  log.info({ summary }, "autosave clean-up finished");
  return summary;
}

/** One entry per project id (the latest launch wins), so a project is never scanned twice. */
function uniqueProjects(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const byId = new Map<number, LedgerEntry>();
  for (const e of entries) {
    const cur = byId.get(e.projectId);
    if (!cur || Date.parse(e.lastLaunch) > Date.parse(cur.lastLaunch)) byId.set(e.projectId, e);
  }
  return [...byId.values()];
}

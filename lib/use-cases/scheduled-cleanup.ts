/**
 * One run of the scheduled clean-up of stale autosave branches (D17): it acts with the GitLab
 * service token (a client from the gitlab adapter, with a batch job's retry budget), reads the
 * ledger and applies runAutosaveCleanup with config.autosave's settings.
 * New work stops shortly before the Lambda would be killed, so a run cut short leaves the ledger
 * intact and the next run finishes the job.
 */
import type { Deps } from "../adapters/deps.js";
import {
  type CleanupSummary,
  cleanupSettings,
  runAutosaveCleanup,
} from "../autosave/cleanup-job.js";
import type { LaunchCleanupJob } from "../autosave/hand-off.js";
import type { WithLedgerOptions } from "../autosave/ledger.js";
import { cleanupAutosavesOnLaunch, type LaunchCleanupResult } from "../autosave/on-launch.js";
import { configurationError } from "../errors.js";

/** A batch job can wait out GitLab's rate limiting far longer than a request could. */
export const JOB_RETRY_BUDGET_MS = 60_000;

export interface CleanupRunOptions {
  /** Milliseconds left before the runtime kills the invocation; unlimited when undefined. */
  remainingMs?: number | undefined;
  /** Time kept free at the end for calls in flight and the ledger write (default: see safetyMargin). */
  safetyMarginMs?: number;
  /** Stops new work when aborted, as the deadline does (tests, callers with their own deadline). */
  signal?: AbortSignal;
  /** Retry budget of one GitLab call, 429 waits included (default JOB_RETRY_BUDGET_MS). */
  maxRetryMs?: number;
  ledgerOptions?: WithLedgerOptions;
}

/**
 * Enough for the slowest call already started (its timeout plus its retries) and the final
 * ledger write, never more than half the time left so a short invocation still does some work.
 */
export function safetyMargin(remainingMs: number, upstreamTimeoutMs: number, retryMs: number) {
  const needed = retryMs + 2 * upstreamTimeoutMs + 5_000;
  return Math.min(needed, Math.floor(remainingMs / 2));
}

/** What the job uses: the ledger, and GitLab clients that it asks for with the service token. */
export type CleanupDeps = Pick<Deps, "config" | "log" | "now" | "ledger" | "gitlab">;

function serviceToken({ config, log }: CleanupDeps): string {
  const token = config.git.service_token;
  if (!token) {
    log.error(
      { setting: "NB_GIT__SERVICE_TOKEN" },
      "autosave clean-up cannot run: no GitLab service token is configured",
    );
    throw configurationError(
      "The autosave clean-up needs a GitLab service token (NB_GIT__SERVICE_TOKEN).",
    );
  }
  return token;
}

/**
 * The clean-up on launch that POST /servers handed off (hand-off.ts), with the service token and
 * a request's retry budget: an asynchronous invocation that fails is retried by Lambda, and the
 * ledger lets the scheduled run catch up after that.
 */
export async function runHandedOffCleanup(
  deps: CleanupDeps,
  job: LaunchCleanupJob,
): Promise<LaunchCleanupResult> {
  const { log } = deps;
  const gitlab = deps.gitlab(serviceToken(deps), { log });
  const result = await cleanupAutosavesOnLaunch(gitlab, { ...job, log });
  log.info(
    {
      projectId: job.projectId,
      deleted: result.deleted,
      kept: result.kept.map((k) => k.name),
      failed: result.failed.map((f) => f.name),
    },
    "autosave clean-up on launch done",
  );
  return result;
}

/** One clean-up run with these dependencies; throws on a missing service token or unreadable ledger. */
export async function runScheduledCleanup(
  deps: CleanupDeps,
  opts: CleanupRunOptions = {},
): Promise<CleanupSummary> {
  const { config, log } = deps;
  const token = serviceToken(deps);
  const maxRetryMs = opts.maxRetryMs ?? JOB_RETRY_BUDGET_MS;
  const gitlab = deps.gitlab(token, { maxRetryMs, log });

  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) stop.abort(opts.signal.reason);
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  if (opts.remainingMs !== undefined) {
    const margin =
      opts.safetyMarginMs ?? safetyMargin(opts.remainingMs, config.upstream_timeout_ms, maxRetryMs);
    const budget = Math.max(0, opts.remainingMs - margin);
    log.info({ budgetMs: budget, marginMs: margin }, "autosave clean-up: time budget");
    timer = setTimeout(() => {
      log.warn({ budgetMs: budget }, "autosave clean-up: time is running out; no new work starts");
      stop.abort(new Error("deadline"));
    }, budget);
  }

  try {
    return await runAutosaveCleanup({
      gitlab,
      ledger: deps.ledger,
      log,
      now: deps.now,
      ...cleanupSettings(config.autosave),
      signal: stop.signal,
      ...(opts.ledgerOptions ? { ledgerOptions: opts.ledgerOptions } : {}),
    });
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onOuterAbort);
  }
}

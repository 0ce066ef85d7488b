/**
 * The scheduled clean-up of stale autosave branches (D17), run by an EventBridge schedule. It acts
 * with the GitLab service token, reads the ledger ConfigMap of the sessions namespace and applies
 * runAutosaveCleanup with config.autosave's settings. New work stops shortly before the Lambda
 * would be killed, so a run cut short leaves the ledger intact and the next run finishes the job.
 */
import "../../lib/adapters/k8s.js";
import "../../lib/adapters/gitlab.js";
import type { Context, ScheduledEvent } from "aws-lambda";
import {
  type CleanupSummary,
  cleanupSettings,
  runAutosaveCleanup,
  type WithLedgerOptions,
} from "../../lib/autosave/index.js";
import { type Deps, getDeps } from "../../lib/deps.js";
import { configurationError } from "../../lib/errors.js";
import { createGitLabClient } from "../../lib/gitlab/client.js";
import { configMapLedgerStore } from "../../lib/k8s/ledger-store.js";

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

/** What the job uses; only the Kubernetes client is built (the GitLab one acts with its own token). */
export type CleanupDeps = Pick<Deps, "config" | "log" | "now" | "k8s">;

/** One clean-up run with these dependencies; throws on a missing service token or unreadable ledger. */
export async function runScheduledCleanup(
  deps: CleanupDeps,
  opts: CleanupRunOptions = {},
): Promise<CleanupSummary> {
  const { config, log } = deps;
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
  const maxRetryMs = opts.maxRetryMs ?? JOB_RETRY_BUDGET_MS;
  const gitlab = createGitLabClient({
    baseUrl: config.git.url,
    token,
    timeoutMs: config.upstream_timeout_ms,
    maxRetryMs,
    log,
  });
  const ledger = configMapLedgerStore(deps.k8s, config.autosave.ledger_name);

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
      ledger,
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

/** The Lambda entry point: the summary is the invocation's result (and its last log line). */
export const main = async (
  event: ScheduledEvent | undefined,
  context: Partial<Pick<Context, "getRemainingTimeInMillis" | "awsRequestId">> | undefined,
): Promise<CleanupSummary> => {
  const deps = getDeps();
  const log = deps.log.child({
    job: "autosaveCleanup",
    requestId: context?.awsRequestId ?? "local",
    scheduledAt: event?.time,
  });
  const remainingMs = context?.getRemainingTimeInMillis?.();
  // Picked, not spread: spreading would build every client the deps can make.
  return runScheduledCleanup(
    { config: deps.config, now: deps.now, k8s: deps.k8s, log },
    { remainingMs: typeof remainingMs === "number" && remainingMs > 0 ? remainingMs : undefined },
  );
};

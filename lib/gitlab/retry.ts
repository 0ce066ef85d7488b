/**
 * When to retry a GitLab call and how long to wait: exponential backoff with jitter, never sooner
 * than GitLab's Retry-After, and never past a total budget that stays well inside API Gateway's
 * 29 s. Pure functions, so the policy is tested without sockets.
 */

export interface RetryPolicy {
  /** Total time the retries may add up to (waits plus earlier attempts). */
  maxRetryMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetryMs: 6000,
  baseDelayMs: 200,
  maxDelayMs: 3000,
  maxAttempts: 5,
};

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Backoff before retry number `attempt` (0 = the wait after the first failure), half-jittered. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryState {
  /** Attempts made so far (>= 1). */
  attempts: number;
  /** Time since the first attempt started. */
  elapsedMs: number;
  /** What the server asked for, if anything. */
  retryAfterMs?: number | undefined;
}

/** The wait before the next attempt, or undefined to give up now. */
export function nextDelayMs(
  state: RetryState,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (state.attempts >= policy.maxAttempts) return undefined;
  const delay = Math.max(backoffMs(state.attempts - 1, policy, random), state.retryAfterMs ?? 0);
  // Waiting past the budget would only turn a clear "try later" into a gateway timeout.
  if (state.elapsedMs + delay > policy.maxRetryMs) return undefined;
  return delay;
}

/** Statuses worth another try: rate limiting and server-side failures. */
export const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;

/**
 * Whether a thrown fetch error is a network failure worth another try: node-fetch's FetchError
 * (not a TypeError), or undici's TypeError "fetch failed" / "terminated" with the socket error as
 * cause when a global fetch is injected. A TypeError without either is the request itself being
 * refused before it is sent (an invalid header value, a bad URL): retrying cannot help, and its
 * message may quote a token.
 */
export function isNetworkFailure(err: unknown): boolean {
  if (!(err instanceof TypeError)) return true;
  return err.cause !== undefined || err.message === "fetch failed" || err.message === "terminated";
}

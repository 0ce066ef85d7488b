/**
 * One GitLab HTTP exchange with the timeout, retries and failure translation every call shares.
 * Only status and body come back; callers decide what a 404 means for them. The token travels
 * in the Authorization header only and is never put into an error, a log line or a URL.
 */
import { isTimeout, programmingError, upstreamUnavailable } from "../errors.js";
import type { Logger } from "../obs/log.js";
import { type Attempts, observeUpstream } from "../obs/upstream.js";
import { trimTrailingSlashes } from "../util/trim.js";
import {
  isNetworkFailure,
  isRetryableStatus,
  nextDelayMs,
  parseRetryAfter,
  type RetryPolicy,
} from "./retry.js";

export type Method = "GET" | "DELETE";

export interface Transport {
  /** The API root, e.g. https://gitlab.example.org/api/v4 (no trailing slash). */
  apiBase: string;
  apiOrigin: string;
  send(method: Method, url: string): Promise<GitLabResponse>;
}

export interface GitLabResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: unknown;
}

export interface TransportOptions {
  baseUrl: string;
  token?: string | undefined;
  timeoutMs: number;
  policy: RetryPolicy;
  fetch: typeof fetch;
  log?: Logger | undefined;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

// Both are idempotent here: deleting an already deleted branch is a 404 we treat as "missing".
const IDEMPOTENT: ReadonlySet<Method> = new Set(["GET", "DELETE"]);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function apiBaseOf(baseUrl: string): string {
  const trimmed = trimTrailingSlashes(baseUrl);
  return trimmed.endsWith("/api/v4") ? trimmed : `${trimmed}/api/v4`;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Which page of the API a URL is, for logs and messages: the path without host or query. */
const describe = (url: string) => {
  try {
    return new URL(url).pathname;
  } catch {
    return "?";
  }
};

export function createTransport(opts: TransportOptions): Transport {
  const apiBase = apiBaseOf(opts.baseUrl);
  const apiOrigin = new URL(apiBase).origin;
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? Date.now;
  const headers: Record<string, string> = { accept: "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;

  const send = (method: Method, url: string): Promise<GitLabResponse> =>
    observeUpstream("GitLab", method, (tries) => exchange(method, url, tries));

  async function exchange(method: Method, url: string, tries: Attempts): Promise<GitLabResponse> {
    const started = now();
    const path = describe(url);
    for (let attempts = 1; ; attempts++) {
      let res: Response;
      let body: unknown;
      try {
        res = await opts.fetch(url, {
          method,
          headers,
          redirect: "manual",
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        body = await readBody(res);
      } catch (err) {
        // A timeout has already spent the budget a retry would need: give up at once.
        if (isTimeout(err)) {
          opts.log?.warn({ gitlab: { method, path, attempts } }, "GitLab did not answer in time");
          throw upstreamUnavailable(`GitLab did not answer within ${opts.timeoutMs} ms.`, {
            cause: err,
          });
        }
        if (!isNetworkFailure(err)) {
          // Refused before it was sent (e.g. a header value fetch will not send): not retried.
          // Its message may quote the header, token and all, so only its kind is kept.
          const refused = new Error(
            `${err instanceof Error ? err.name : "Error"}: the request could not be sent (an invalid header value or URL)`,
          );
          opts.log?.error(
            { gitlab: { method, path, attempts }, err: refused },
            "GitLab request refused",
          );
          throw programmingError({ cause: refused });
        }
        const wait = IDEMPOTENT.has(method)
          ? nextDelayMs({ attempts, elapsedMs: now() - started }, opts.policy, opts.random)
          : undefined;
        if (wait === undefined) {
          opts.log?.warn({ gitlab: { method, path, attempts } }, "GitLab cannot be reached");
          throw upstreamUnavailable("GitLab cannot be reached.", { cause: err });
        }
        opts.log?.info({ gitlab: { method, path, attempts, wait } }, "retrying GitLab call");
        tries.retries++;
        await sleep(wait);
        continue;
      }
      opts.log?.debug({ gitlab: { method, path, status: res.status, attempts } }, "GitLab call");
      if (!isRetryableStatus(res.status)) return { status: res.status, headers: res.headers, body };
      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), now());
      const wait = IDEMPOTENT.has(method)
        ? nextDelayMs(
            { attempts, elapsedMs: now() - started, retryAfterMs },
            opts.policy,
            opts.random,
          )
        : undefined;
      if (wait === undefined) {
        opts.log?.warn({ gitlab: { method, path, status: res.status, attempts } }, "GitLab failed");
        throw res.status === 429
          ? upstreamUnavailable("GitLab is rate limiting requests, please try again later.")
          : upstreamUnavailable(`GitLab is unavailable (status ${res.status}).`);
      }
      opts.log?.info(
        { gitlab: { method, path, status: res.status, attempts, wait } },
        "retrying GitLab call",
      );
      tries.retries++;
      await sleep(wait);
    }
  }

  return { apiBase, apiOrigin, send };
}

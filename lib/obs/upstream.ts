/** One call to an upstream: its latency, error and retries counted, and a span when tracing. */
import { currentMetrics, type Upstream } from "./metrics.js";
import { traceCall } from "./tracing.js";

/** Retries the call made; the client's retry loop bumps it. */
export interface Attempts {
  retries: number;
}

/** Answers that are the caller's business (404 of a lookup, 409 of a conflict) are not errors. */
function isUpstreamFailure(err: unknown): boolean {
  const status = (err as { code?: unknown; statusCode?: unknown } | null)?.code;
  if (typeof status === "number" && status >= 400 && status < 500 && status !== 429) return false;
  return true;
}

export async function observeUpstream<T>(
  name: Upstream,
  op: string,
  call: (attempts: Attempts) => Promise<T>,
): Promise<T> {
  const metrics = currentMetrics();
  const attempts: Attempts = { retries: 0 };
  const started = performance.now();
  const run = () => call(attempts);
  try {
    const result = await (metrics?.tracing ? traceCall(`${name} ${op}`, run) : run());
    metrics?.upstream(name, performance.now() - started, { retries: attempts.retries });
    return result;
  } catch (err) {
    metrics?.upstream(name, performance.now() - started, {
      retries: attempts.retries,
      error: isUpstreamFailure(err),
    });
    throw err;
  }
}

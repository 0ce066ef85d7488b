/**
 * Turns what @kubernetes/client-node throws (ApiException with a Status body, node-fetch's
 * AbortError/FetchError) into the service's AppError family. 404 and 409 are usually expected
 * outcomes and are handled by the repository before this runs.
 */
import { ApiException } from "@kubernetes/client-node/dist/gen/apis/exception.js";
import {
  AppError,
  ConflictError,
  configurationError,
  intermittentError,
  isTimeout,
  programmingError,
  upstreamUnavailable,
} from "../errors.js";
import type { Logger } from "../obs/log.js";

/** Re-exported for the repository and its tests; declared with the other errors. */
export { ConflictError };

/** The parts of a Kubernetes Status object worth logging. */
export interface K8sStatus {
  code: number;
  reason?: string;
  message?: string;
  causes?: Array<{ field?: string; message?: string; reason?: string }>;
}

export function apiStatusCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

export function statusOf(err: ApiException<unknown>): K8sStatus {
  let body: unknown = err.body;
  if (typeof body === "string") {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return { code: err.code, message: text.slice(0, 500) };
    }
  }
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const details = (b.details ?? {}) as Record<string, unknown>;
  const status: K8sStatus = { code: err.code };
  if (typeof b.reason === "string") status.reason = b.reason;
  if (typeof b.message === "string") status.message = b.message;
  if (Array.isArray(details.causes)) status.causes = details.causes as K8sStatus["causes"];
  return status;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_SOCKET",
]);

function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: unknown; errno?: unknown; type?: unknown };
  if (err.name === "FetchError" && e.type === "system") return true;
  return typeof e.code === "string" && NETWORK_CODES.has(e.code);
}

export interface TranslateContext {
  /** What was attempted, e.g. `patch jupyterservers/abc`; goes to the log and some messages. */
  op: string;
  /** Names the cluster (never its credentials). */
  cluster: string;
  /** Added to network, TLS and timeout errors: the settings that decide where and whom to trust. */
  connectionHint?: string | undefined;
  log: Logger;
  /** Called on 401 so the next call renews the token. */
  onUnauthorized?: () => void;
}

export function translateK8sError(err: unknown, ctx: TranslateContext): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ApiException) {
    const status = statusOf(err);
    const logged = { op: ctx.op, cluster: ctx.cluster, k8s: status };
    if (status.code === 401) {
      ctx.onUnauthorized?.();
      ctx.log.warn(logged, "the Kubernetes API rejected the service's credentials");
      return upstreamUnavailable(
        `The Kubernetes cluster (${ctx.cluster}) rejected the service's credentials.`,
        { cause: err },
      );
    }
    if (status.code === 403) {
      ctx.log.error(logged, "the service's Kubernetes role does not allow this request");
      return configurationError(
        `The service is not allowed to ${ctx.op} in the Kubernetes cluster: check its RBAC role.`,
        { cause: err },
      );
    }
    if (status.code === 429 || status.code >= 500) {
      ctx.log.warn(logged, "the Kubernetes API is failing");
      return upstreamUnavailable(
        `The Kubernetes cluster (${ctx.cluster}) is not available (HTTP ${status.code}).`,
        { cause: err },
      );
    }
    if (status.code === 409) {
      ctx.log.warn(logged, "Kubernetes conflict");
      return new ConflictError(ctx.op, { cause: err });
    }
    // 400/422 and anything unexpected: our request was wrong, which is a bug.
    ctx.log.error(logged, "the Kubernetes API refused a request");
    return programmingError({ cause: err });
  }
  const hint = ctx.connectionHint ? { hint: ctx.connectionHint } : {};
  const hinted = ctx.connectionHint ? `; ${ctx.connectionHint}` : "";
  if (isTimeout(err)) {
    ctx.log.warn({ op: ctx.op, cluster: ctx.cluster, ...hint }, "the Kubernetes API timed out");
    return upstreamUnavailable(
      `The Kubernetes cluster (${ctx.cluster}) did not answer in time (${ctx.op})${hinted}.`,
      { cause: err },
    );
  }
  // TLS failures (an unknown CA, a name the certificate does not cover) are network errors too.
  if (isNetworkError(err)) {
    const code = (err as { code?: unknown }).code;
    ctx.log.warn(
      { op: ctx.op, cluster: ctx.cluster, code, ...hint },
      "the Kubernetes API is unreachable",
    );
    return upstreamUnavailable(
      `The Kubernetes cluster (${ctx.cluster}) cannot be reached${typeof code === "string" ? ` (${code})` : ""}${hinted}.`,
      { cause: err },
    );
  }
  ctx.log.error({ op: ctx.op, cluster: ctx.cluster, err }, "unexpected Kubernetes client error");
  return intermittentError(undefined, { cause: err });
}

/**
 * The few Kubernetes REST calls the service makes, over HTTP with client-node's KubeConfig doing
 * the cluster and auth configuration (token, exec plugin, client certificates, CA, proxy agent).
 * The generated CoreV1Api/AppsV1Api/CustomObjectsApi drag every model and serializer into each
 * bundle (~1.2 MB minified) to make the same requests; this sends them as the generated client does
 * (same paths, query parameters, Accept/Content-Type headers) and fails the same way: an
 * ApiException carrying the status code and the response text, node-fetch's errors as they are.
 */
import type { KubeConfig } from "@kubernetes/client-node/dist/config.js";
import { ApiException } from "@kubernetes/client-node/dist/gen/apis/exception.js";
import fetch from "node-fetch";
import { observeUpstream } from "../obs/upstream.js";
import { trimTrailingSlashes } from "../util/trim.js";
import { agentPool } from "./agent-pool.js";

export type KubeMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface KubeRequest {
  method: KubeMethod;
  /** API path below the cluster's server URL, e.g. `/api/v1/namespaces/ns/pods/p`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Content-Type of the body; application/json unless a patch says otherwise. */
  contentType?: string;
  /** Bounds the HTTP exchange, so a slow cluster cannot hold a Lambda past API Gateway's 29 s. */
  timeoutMs: number;
}

export interface KubeClient {
  /** The parsed JSON body, or the text of a non-JSON answer (pod logs). */
  request<T>(req: KubeRequest): Promise<T>;
}

const ACCEPT = "application/json, */*;q=0.8";
/** One operation of a JSON patch (RFC 6902). */
export interface JsonPatchOp {
  op: "add" | "remove" | "replace" | "test" | "move" | "copy";
  path: string;
  value?: unknown;
  from?: string;
}

/** A key as one token of a JSON pointer (RFC 6901). */
export const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

export const JSON_PATCH = "application/json-patch+json";
export const MERGE_PATCH = "application/merge-patch+json";

/** `/a/{x}/b` with each segment URI-encoded, as the generated client builds its paths. */
export function kubePath(strings: TemplateStringsArray, ...segments: string[]): string {
  return strings.reduce(
    (out, s, i) => out + s + (i < segments.length ? encodeURIComponent(segments[i] ?? "") : ""),
    "",
  );
}

export function parseBody(text: string, contentType: string | null): unknown {
  const media = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (media.includes("json")) return text === "" ? undefined : JSON.parse(text);
  return text;
}

export function kubeClient(kc: KubeConfig): KubeClient {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("No active cluster!");
  const base = trimTrailingSlashes(cluster.server);
  const agents = agentPool();

  return {
    request<T>(req: KubeRequest): Promise<T> {
      return observeUpstream("Cluster", req.method, () => exchange<T>(req));
    },
  };

  async function exchange<T>(req: KubeRequest): Promise<T> {
    const url = new URL(base + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.append(key, String(value));
    }
    // Auth per request: exec plugins and token files are re-read (and cached) by client-node.
    const init = await kc.applyToFetchOptions({});
    const headers = init.headers as InstanceType<typeof fetch.Headers>;
    headers.set("Accept", ACCEPT);
    let body: string | undefined;
    if (req.body !== undefined) {
      headers.set("Content-Type", req.contentType ?? "application/json");
      body = JSON.stringify(req.body);
    }
    const agent = agents.use(init.agent) as typeof init.agent;
    try {
      return await send<T>(url, req, headers, body, agent);
    } finally {
      agents.release(agent);
    }
  }

  async function send<T>(
    url: URL,
    req: KubeRequest,
    headers: InstanceType<typeof fetch.Headers>,
    body: string | undefined,
    agent: Awaited<ReturnType<KubeConfig["applyToFetchOptions"]>>["agent"],
  ): Promise<T> {
    const res = await fetch(url.toString(), {
      method: req.method,
      headers,
      body,
      agent,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const responseHeaders: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      responseHeaders[name] = value;
    });
    if (res.status === 401) {
      throw new ApiException(401, "Unauthorized", undefined, responseHeaders);
    }
    const text = await res.text();
    if (res.status < 200 || res.status > 299) {
      throw new ApiException(res.status, "Unknown API Status Code!", text, responseHeaders);
    }
    return parseBody(text, res.headers.get("content-type")) as T;
  }
}

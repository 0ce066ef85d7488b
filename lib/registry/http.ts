/**
 * One HTTP exchange with a registry (or its token realm), through the SSRF guard, pinned to the
 * address the guard checked: node's `lookup` hook hands the socket that address instead of asking
 * DNS again, while the URL's host name still drives the Host header, SNI and certificate checks.
 * Redirects are not followed here; auth.ts follows them, each one through the guard again.
 */

import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { observeUpstream } from "../obs/upstream.js";
import type { Guard, ResolvedAddress } from "./guard.js";

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  url: URL;
}

export interface HttpRequest {
  method?: "GET" | "HEAD";
  headers?: Record<string, string>;
  /** Larger bodies fail the request: manifests and config blobs are small. */
  maxBytes?: number;
}

/** A timeout, refused connection or reset: the registry is unavailable. */
export class RegistryNetworkError extends Error {
  // Minified bundles rename classes; tools that print constructor.name must see this one.
  static {
    Object.defineProperty(RegistryNetworkError, "name", { value: "RegistryNetworkError" });
  }
  constructor(
    message: string,
    readonly kind: "timeout" | "network" | "too-large",
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = "RegistryNetworkError";
  }
}

/** A registry status that means "try later" (429, 5xx): the registry is unavailable. */
export class UpstreamStatus extends Error {
  // Minified bundles rename classes; tools that print constructor.name must see this one.
  static {
    Object.defineProperty(UpstreamStatus, "name", { value: "UpstreamStatus" });
  }
  constructor(readonly response: HttpResponse) {
    super(`registry answered ${response.status}`);
  }
}

export const unavailable = (status: number) => status === 429 || status >= 500;

export const header = (res: HttpResponse, name: string): string | undefined => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
};

export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

export const createAgents = (): Agents => ({
  http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
});

const pinned =
  (target: ResolvedAddress): LookupFunction =>
  (_hostname, options, callback) => {
    // Node 20 asks for all addresses when autoSelectFamily is on; answer in the shape it asked for.
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    } else callback(null, target.address, target.family);
  };

export function send(
  guard: Guard,
  url: URL,
  req: HttpRequest,
  timeoutMs: number,
  agents: Agents,
): Promise<HttpResponse> {
  return observeUpstream("Registry", req.method ?? "GET", () =>
    exchange(guard, url, req, timeoutMs, agents),
  );
}

async function exchange(
  guard: Guard,
  url: URL,
  req: HttpRequest,
  timeoutMs: number,
  agents: Agents,
): Promise<HttpResponse> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RegistryNetworkError(`unsupported scheme ${url.protocol}`, "network");
  }
  const target = await guard.resolve(url);
  const maxBytes = req.maxBytes ?? 4 * 1024 * 1024;
  const lib = url.protocol === "https:" ? https : http;
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const request = lib.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: req.method ?? "GET",
        headers: { "user-agent": "renku-notebooks", ...req.headers },
        lookup: pinned(target),
        // The client's own keep-alive agents: every pooled socket in them was opened to a checked
        // address by this same guard, so reusing one cannot bypass it.
        agent: url.protocol === "https:" ? agents.https : agents.http,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            response.destroy();
            finish(() =>
              reject(
                new RegistryNetworkError(`response from ${url.host} is too large`, "too-large"),
              ),
            );
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () =>
          finish(() =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
              url,
            }),
          ),
        );
        response.on("error", (cause) =>
          finish(() =>
            reject(
              new RegistryNetworkError(`reading from ${url.host} failed`, "network", { cause }),
            ),
          ),
        );
      },
    );
    const timer = setTimeout(() => {
      finish(() =>
        reject(
          new RegistryNetworkError(`${url.host} did not answer in ${timeoutMs} ms`, "timeout"),
        ),
      );
      request.destroy();
    }, timeoutMs);
    const started = Date.now();
    request.on("error", (cause) =>
      finish(() => {
        // A pooled connection the server closed while it sat idle (Node's documented keep-alive
        // race, and a thawed Lambda's case): nothing was served, so it is sent once more afresh.
        const code = (cause as NodeJS.ErrnoException).code;
        if (request.reusedSocket && (code === "ECONNRESET" || code === "EPIPE")) {
          const left = timeoutMs - (Date.now() - started);
          if (left > 0) return void exchange(guard, url, req, left, agents).then(resolve, reject);
        }
        reject(new RegistryNetworkError(`request to ${url.host} failed`, "network", { cause }));
      }),
    );
    request.end();
  });
}

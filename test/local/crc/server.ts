/**
 * A double of the resource-pool service's `GET /api/data/resource_pools` (notebooks-api.md 6.3):
 * public pools for everyone, the others only for their listed users, identified by the Renku access
 * token (`bearer access-<username>-secret`, as test/helpers/users.ts makes them). The optional
 * `cpu`, `memory`, `gpu` and `max_storage` query parameters (each 0 when absent) mark the classes
 * that cover them as `matching`, as the real service does. Unknown tokens get 401. Every call is recorded.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CRC_SEED, type CrcPoolSeed } from "./seed.js";

export interface CrcCall {
  method: string;
  path: string;
  /** Who the token identified; undefined for anonymous calls. */
  user?: string;
  /** Whether an Authorization header came at all. */
  authorized: boolean;
  /** The query parameters, as sent. */
  query: Record<string, string>;
}

export type CrcFault = { kind: "status"; status: number } | { kind: "hang" } | { kind: "garbage" };

export interface CrcDouble {
  /** The base URL the service is configured with (NB_CRC_URL). */
  url: string;
  calls: CrcCall[];
  pools: CrcPoolSeed[];
  /** The next `times` (default 1) calls fail this way. */
  injectFault(fault: CrcFault, times?: number): void;
  clearFaults(): void;
  stop(): Promise<void>;
}

export interface CrcDoubleOptions {
  pools?: CrcPoolSeed[];
  /** Access token -> username; by default `access-<name>-secret` is <name>. */
  tokens?: Record<string, string>;
}

const userOf = (token: string, tokens?: Record<string, string>): string | undefined => {
  if (tokens) return tokens[token];
  return /^access-(.+)-secret$/.exec(token)?.[1];
};

function visible(pools: CrcPoolSeed[], user: string | undefined): CrcPoolSeed[] {
  return pools.filter((p) => p.public || (user !== undefined && (p.users ?? []).includes(user)));
}

interface Filter {
  cpu: number;
  memory: number;
  gpu: number;
  max_storage: number;
}

/**
 * The real service validates the filter (cpu a float, the others integers, all >= 0, each 0 when
 * absent) and answers 422 otherwise; every class is then flagged by whether it covers the filter.
 */
function parseFilter(query: URLSearchParams): Filter | string {
  const out: Filter = { cpu: 0, memory: 0, gpu: 0, max_storage: 0 };
  for (const key of ["cpu", "memory", "gpu", "max_storage"] as const) {
    const raw = query.get(key);
    if (raw === null) continue;
    const pattern =
      key === "cpu" ? /^\s*[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/ : /^\s*[+]?\d+\s*$/;
    if (!pattern.test(raw))
      return `${key} must be a non-negative ${key === "cpu" ? "number" : "integer"}`;
    out[key] = Number(raw);
  }
  return out;
}

function render(pool: CrcPoolSeed, filter: Filter) {
  const { users: _users, ...shown } = pool;
  return {
    ...shown,
    classes: pool.classes.map((c) => ({
      ...c,
      matching:
        filter.cpu <= c.cpu &&
        filter.memory <= c.memory &&
        filter.gpu <= c.gpu &&
        filter.max_storage <= c.max_storage,
    })),
  };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
};

export async function startCrcDouble(opts: CrcDoubleOptions = {}): Promise<CrcDouble> {
  const pools: CrcPoolSeed[] = structuredClone(opts.pools ?? CRC_SEED);
  const calls: CrcCall[] = [];
  let faults: { fault: CrcFault; left: number }[] = [];
  const hung = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? "/", "http://crc");
    const header = req.headers.authorization;
    const token = header?.replace(/^bearer\s+/i, "");
    const user = token ? userOf(token, opts.tokens) : undefined;
    const call: CrcCall = {
      method: req.method ?? "GET",
      path: url.pathname,
      authorized: !!header,
      query: Object.fromEntries(url.searchParams),
    };
    if (user) call.user = user;
    calls.push(call);

    const next = faults.find((f) => f.left > 0);
    if (next) {
      next.left -= 1;
      faults = faults.filter((f) => f.left > 0);
      if (next.fault.kind === "hang") {
        hung.add(res);
        res.on("close", () => hung.delete(res));
        return;
      }
      if (next.fault.kind === "garbage") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{not json");
        return;
      }
      json(res, next.fault.status, { error: { code: 1500, message: "injected fault" } });
      return;
    }
    if (url.pathname !== "/api/data/resource_pools") {
      json(res, 404, { error: { code: 1404, message: "Not found" } });
      return;
    }
    if (req.method !== "GET") {
      json(res, 405, { error: { code: 1405, message: "Method not allowed" } });
      return;
    }
    if (token && !user) {
      json(res, 401, { error: { code: 1401, message: "Invalid token" } });
      return;
    }
    const filter = parseFilter(url.searchParams);
    if (typeof filter === "string") {
      json(res, 422, { error: { code: 1422, message: filter } });
      return;
    }
    json(
      res,
      200,
      visible(pools, user).map((p) => render(p, filter)),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/api/data`,
    calls,
    pools,
    injectFault(fault, times = 1) {
      faults.push({ fault, left: times });
    },
    clearFaults() {
      faults = [];
    },
    async stop() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

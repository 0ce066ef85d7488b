/**
 * A delaying, fault-injecting HTTP proxy in front of a registry, for benchmarks and fault tests.
 * Faults: "reset" drops the connection, "hang" never answers, a number answers that status.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type ProxyFault = "reset" | "hang" | number | undefined;

export interface RegistryProxyOptions {
  /** The registry's base URL, e.g. http://127.0.0.1:5000 */
  target: string;
  delayMs?: number;
  fault?: ProxyFault;
}

export interface RegistryProxy {
  url: string;
  /** 127.0.0.1:<port>, for image references. */
  host: string;
  port: number;
  /** Requests received so far. */
  requests(): number;
  setDelay(ms: number): void;
  setFault(fault: ProxyFault): void;
  stop(): Promise<void>;
}

export async function startRegistryProxy(opts: RegistryProxyOptions): Promise<RegistryProxy> {
  const target = new URL(opts.target);
  let delayMs = opts.delayMs ?? 0;
  let fault: ProxyFault = opts.fault;
  let count = 0;
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    count++;
    const forward = () => {
      if (fault === "hang") return;
      if (fault === "reset") {
        req.socket.destroy();
        return;
      }
      if (typeof fault === "number") {
        res.writeHead(fault, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "injected fault" }] }));
        return;
      }
      const upstream = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    };
    if (delayMs > 0) setTimeout(forward, delayMs);
    else forward();
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests: () => count,
    setDelay: (ms) => {
      delayMs = ms;
    },
    setFault: (f) => {
      fault = f;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

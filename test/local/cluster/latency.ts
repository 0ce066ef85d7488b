/**
 * A modelled time per API call (the benchmarks' 0, 20 and 80 ms): every request waits this long
 * before it is served, as if the API server and etcd took it. Changeable while the cluster runs.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface Latency {
  /** Milliseconds each request waits before it is served (0: none). */
  ms: number;
}

export function withLatency(
  latency: Latency,
  serve: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (latency.ms > 0) await new Promise((resolve) => setTimeout(resolve, latency.ms));
    await serve(req, res);
  };
}

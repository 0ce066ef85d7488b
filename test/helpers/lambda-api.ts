/**
 * A stand-in for Lambda's Invoke API (InvocationType Event): it accepts each invocation with 202
 * and keeps it, with a `run` that runs the receiving function's entry point on the event, as
 * Lambda would once it dequeues the invocation. `refuse` makes it answer 500 instead.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface Invocation {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Runs the function on the event, as Lambda would once the invocation is dequeued. */
  run: () => Promise<unknown>;
}

export interface LambdaApi {
  url: string;
  invocations: Invocation[];
  refuse: boolean;
  close(): Promise<void>;
}

export async function startLambdaApi(
  runner: (event: unknown) => () => Promise<unknown>,
): Promise<LambdaApi> {
  const api: LambdaApi = { url: "", invocations: [], refuse: false, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (api.refuse) {
        res.writeHead(500, { "x-amzn-ErrorType": "ServiceException" });
        res.end(JSON.stringify({ message: "try later" }));
        return;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      res.writeHead(202).end();
      const run = runner(JSON.parse(body) as unknown);
      api.invocations.push({ path: req.url ?? "", headers: req.headers, body, run });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => new Promise((r) => server.close(() => r()));
  return api;
}

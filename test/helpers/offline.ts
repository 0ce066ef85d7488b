/** Starts `serverless offline` for real on free loopback ports and waits until it answers. */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import { delimiter, dirname } from "node:path";
import { fetchLambdaNode } from "./lambda-node.js";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A JSON answer over real HTTP: its status, its text, and the text parsed (undefined when empty). */
export interface JsonAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: responses are arbitrary JSON
  json: any;
  text: string;
}

/**
 * A JSON caller of the routes below `base()` (read on every call: the server is started in a
 * beforeAll, after the caller is made); a body is sent as JSON.
 */
export function jsonCaller(base: () => string) {
  return async (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ): Promise<JsonAnswer> => {
    const r = await fetch(`${base()}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, text, json: text ? JSON.parse(text) : undefined };
  };
}

export interface Offline {
  url: string;
  output: () => string;
  /** The executables of offline's processes (npx, serverless and its workers' process). */
  executables: () => string[];
  stop: () => Promise<void>;
}

export interface OfflineOptions {
  /**
   * false: no Lambda timeout (serverless offline's --noTimeout). A function's first call loads it
   * in a worker, and on a busy machine that alone can outlast a 6 s timeout: the tests, which are
   * not about Lambda timeouts, run without them (serverless.yml's are checked statically, in
   * test/integration/k8s/serverless-config.test.ts). The benchmarks keep them, as deployed.
   */
  lambdaTimeouts?: boolean;
  /**
   * "lambda" (default): offline, and the functions in its worker threads, run on the Node that
   * Lambda runs (serverless.yml's runtime, test/helpers/lambda-node.ts), not this machine's.
   */
  node?: "lambda" | "system";
}

export async function startOffline(
  env: Record<string, string>,
  timeoutMs = 90_000,
  opts: OfflineOptions = {},
): Promise<Offline> {
  const port = await freePort();
  // A caller that points the service at offline's Lambda API (a hand-off) chooses the port.
  const lambdaPort = env.LAMBDA_PORT ? Number(env.LAMBDA_PORT) : await freePort();
  let output = "";
  // Its own build folder: other runs may be building at the same time.
  const workFolder = `.esbuild-${randomUUID().slice(0, 8)}`;
  const args = [
    "serverless",
    "offline",
    "start",
    ...(opts.lambdaTimeouts === false ? ["--noTimeout"] : []),
  ];
  const child: ChildProcess = spawn("npx", args, {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      LAMBDA_PORT: String(lambdaPort),
      ESBUILD_WORK_FOLDER: workFolder,
      // npx and serverless start with `#!/usr/bin/env node`: the first node on PATH runs them.
      ...(opts.node !== "system" && {
        PATH: `${dirname(await fetchLambdaNode())}${delimiter}${process.env.PATH}`,
      }),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const executables = () => {
    const found = new Set<string>();
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so read after ")".
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
        if (pgrp === child.pid) found.add(readlinkSync(`/proc/${pid}/exe`));
      } catch {
        // the process ended meanwhile
      }
    }
    return [...found];
  };
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      // The whole process group: npx, serverless and its workers.
      if (child.pid) process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
    }
    await rm(workFolder, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`serverless offline exited:\n${output}`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.status === 200) return { url, output: () => output, executables, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`serverless offline did not start in time:\n${output}`);
}

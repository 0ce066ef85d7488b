/**
 * The local cluster in a process of its own, for the scale section: in the bench's process its
 * request handling, JSON and simulated garbage collection took about half the CPU measured per
 * launch, so the figures were the stand-in's as much as the service's. Here the modelled latency
 * is a timer in the child and the parent's CPU is the service's (and the other, small, stand-ins').
 * The parent talks to it over the IPC channel: latency, request count, settle, stop.
 */
import { type ChildProcess, fork } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { startLocalCluster } from "../local/cluster/index.js";

type Ask = { op: "latency"; ms: number } | { op: "count" } | { op: "cpu" } | { op: "settle" };
type Command = Ask & { id: number };

interface Reply {
  id: number;
  value?: number;
  error?: string;
}

export interface ClusterProcess {
  url: string;
  /** Writes a kubeconfig that points at the child's cluster. */
  writeKubeconfig(path: string): Promise<void>;
  setLatency(ms: number): Promise<void>;
  /** How many API requests the cluster has served. */
  requestCount(): Promise<number>;
  /** The child's CPU time so far, in ms (user + system). */
  cpuMs(): Promise<number>;
  /** Runs the simulated operators until nothing changes (manual timing). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the child (manual timing: the simulated operators move only on settle()). */
export async function startClusterProcess(): Promise<ClusterProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, BENCH_CLUSTER_CHILD: "1" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const started = await new Promise<{ url: string; kubeconfig: string }>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`cluster process exited with ${code}`)));
    child.once("message", (m) => resolve(m as { url: string; kubeconfig: string }));
  });
  let next = 0;
  const waiting = new Map<number, (r: Reply) => void>();
  child.on("message", (m) => {
    const r = m as Reply;
    waiting.get(r.id)?.(r);
    waiting.delete(r.id);
  });
  const ask = (cmd: Ask) =>
    new Promise<number | undefined>((resolve, reject) => {
      const id = next++;
      waiting.set(id, (r) => (r.error ? reject(new Error(r.error)) : resolve(r.value)));
      child.send({ ...cmd, id });
    });
  return {
    url: started.url,
    writeKubeconfig: (path) => writeFile(path, started.kubeconfig, { mode: 0o600 }),
    setLatency: async (ms) => {
      await ask({ op: "latency", ms });
    },
    requestCount: async () => (await ask({ op: "count" })) ?? 0,
    cpuMs: async () => (await ask({ op: "cpu" })) ?? 0,
    settle: async () => {
      await ask({ op: "settle" });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}

async function serve(send: (m: unknown) => void): Promise<void> {
  const cluster = await startLocalCluster({ timing: "manual" });
  process.on("message", async (m) => {
    const cmd = m as Command;
    try {
      if (cmd.op === "latency") cluster.latency.ms = cmd.ms;
      if (cmd.op === "settle") await cluster.amalthea.settle();
      const cpu = process.cpuUsage();
      const value =
        cmd.op === "count"
          ? cluster.requests.length
          : cmd.op === "cpu"
            ? (cpu.user + cpu.system) / 1000
            : undefined;
      send({ id: cmd.id, value });
    } catch (err) {
      send({ id: cmd.id, error: String(err) });
    }
  });
  process.on("disconnect", () => process.exit(0));
  send({ url: cluster.url, kubeconfig: cluster.kubeconfig() });
}

if (process.env.BENCH_CLUSTER_CHILD === "1" && process.send) {
  const send = process.send.bind(process);
  serve((m) => send(m)).catch((err) => {
    process.stderr.write(`cluster process: ${String(err)}\n`);
    process.exit(1);
  });
}

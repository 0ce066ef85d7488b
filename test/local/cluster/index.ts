/**
 * A local Kubernetes API server with a simulated Amalthea, for tests and `npm start`.
 * See docs/local-cluster.md for what it emulates and where it differs from kube-apiserver.
 */

import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GitRemote } from "./amalthea/git-session.js";
import { AmaltheaSimulator } from "./amalthea/simulator.js";
import { AmaltheaSessionSimulator } from "./amaltheasession/simulator.js";
import { KubeApi } from "./api.js";
import { GarbageCollector } from "./gc.js";
import { FaultInjector, type FaultRule } from "./http-faults.js";
import { kubeconfigYaml } from "./kubeconfig.js";
import { type Latency, withLatency } from "./latency.js";
import { resourceByKind } from "./resources.js";
import { handler } from "./server.js";
import type { KObject, RecordedRequest, Timing } from "./types.js";

export {
  FAULT_ANNOTATION,
  QUOTA_EXCEEDED_MESSAGE,
  UNSCHEDULABLE_MESSAGE,
} from "./amalthea/faults.js";
export {
  GIT_STATE_ANNOTATION,
  type GitRemote,
  type GitState,
} from "./amalthea/git-session.js";
export type { FaultKind, FaultRule } from "./http-faults.js";
export { LOCAL_TOKEN } from "./kubeconfig.js";
export type { Latency } from "./latency.js";
export type { RecordedRequest, Timing } from "./types.js";

export interface LocalClusterOptions {
  port?: number;
  host?: string;
  /** "instant": the simulation settles after every write (tests); {stepMs}: one step per tick (demos). */
  timing?: Timing;
  /** Namespaces to create besides renku, default and kube-system. */
  namespaces?: string[];
  /** Where to write the kubeconfig on start (optional). */
  kubeconfigPath?: string;
  /** The cluster's clock (tests move it to pass culling and scheduling timeouts). */
  now?: () => Date;
  /**
   * Multiplies the kubelet's simulated seconds: the grace periods that hold a stop, and a slow
   * autosave's `autosaveSeconds` (default 1; tests use e.g. 0.01).
   */
  graceScale?: number;
  /** The projects' git remote for autosave pushes and restores (also settable later). */
  gitRemote?: GitRemote;
  /** A modelled time per API call, in milliseconds (benchmarks; also settable later). */
  latencyMs?: number;
}

export interface LocalCluster {
  url: string;
  kubeconfig(): string;
  writeKubeconfig(path: string): Promise<void>;
  stop(): Promise<void>;
  requests: RecordedRequest[];
  /** The modelled time per API call (latency.ts); set `ms` to change it. */
  latency: Latency;
  amalthea: {
    /** Manual timing: one reconcile/kubelet step for one session (or all). */
    advance(ns?: string, name?: string): Promise<void>;
    /** Runs steps until nothing changes. */
    settle(): Promise<void>;
  };
  faults: {
    inject(rule: FaultRule): void;
    clear(): void;
    /** Cuts the stalled requests' connections, unanswered (http-faults.ts); how many. */
    cutStalled(): number;
  };
  /** Stores objects as given (plus server metadata), without validation or simulation. */
  bulkLoad(objects: object[]): void;
  /** Connects the git remote (the GitLab double) that sessions push autosaves to. */
  connectGitRemote(remote: GitRemote): void;
  /**
   * The kubelet pulls AmaltheaSession images of these registry hosts for real, with the pod's
   * image pull secrets; a refused pull leaves the session container in ErrImagePull.
   */
  pullFrom(hosts: string[]): void;
}

/** A bug in the simulation must not take the API (or the process, from a timer) down with it. */
function safely(step: () => void): void {
  try {
    step();
  } catch (err) {
    process.stderr.write(
      `local cluster: simulation step failed: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
  }
}

export async function startLocalCluster(opts: LocalClusterOptions = {}): Promise<LocalCluster> {
  const api = new KubeApi(opts.now);
  for (const ns of ["default", "kube-system", "renku", ...(opts.namespaces ?? [])])
    api.ensureNamespace(ns);
  const gc = new GarbageCollector(api);
  const sim = new AmaltheaSimulator(api, gc);
  const sessions = new AmaltheaSessionSimulator(api, gc);
  const settle = () => {
    sim.settle();
    sessions.settle();
  };
  for (const w of [sim.workload, sessions.workload]) {
    w.graceScale = opts.graceScale ?? 1;
    w.gitRemote = opts.gitRemote;
  }
  const timers = new Set<NodeJS.Timeout>();
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const watches = new Set<ServerResponse>();
  const timing = opts.timing ?? "instant";
  const host = opts.host ?? "127.0.0.1";
  let url = "";

  const latency: Latency = { ms: opts.latencyMs ?? 0 };
  const server = createServer(
    withLatency(
      latency,
      handler({
        api,
        sim,
        sessions,
        faults,
        requests,
        watches,
        afterWrite: () => {
          if (timing === "instant") safely(settle);
        },
        serverAddress: () => url.replace(/^https?:\/\//, ""),
      }),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  // A held stop ends later: with instant timing nothing else would run the pass that ends it.
  if (timing === "instant") {
    const wake = (ms: number) => {
      const t = setTimeout(() => {
        timers.delete(t);
        safely(settle);
      }, ms + 5);
      timers.add(t);
    };
    sim.workload.wake = wake;
    sessions.workload.wake = wake;
  }

  let ticker: NodeJS.Timeout | undefined;
  if (typeof timing === "object")
    ticker = setInterval(
      () =>
        safely(() => {
          sim.advance();
          sessions.advance();
        }),
      timing.stepMs,
    );

  const kubeconfig = () => kubeconfigYaml(url);
  if (opts.kubeconfigPath) await writeFile(opts.kubeconfigPath, kubeconfig(), { mode: 0o600 });

  return {
    url,
    kubeconfig,
    writeKubeconfig: (path) => writeFile(path, kubeconfig(), { mode: 0o600 }),
    requests,
    latency,
    amalthea: {
      advance: async (ns, name) => {
        sim.advance(ns, name);
        sessions.advance(ns, name);
      },
      settle: async () => {
        settle();
        // Real image pulls (pullFrom) end on their own time: settle again after each round.
        while (sessions.workload.pulls.size > 0) {
          await Promise.all([...sessions.workload.pulls]);
          settle();
        }
      },
    },
    faults: {
      inject: (rule) => faults.inject(rule),
      clear: () => faults.clear(),
      cutStalled: () => faults.cutStalled(),
    },
    bulkLoad(objects) {
      sim.bulkLoading = true;
      sessions.bulkLoading = true;
      try {
        for (const raw of objects) {
          const obj = structuredClone(raw) as KObject;
          const def = resourceByKind(obj.apiVersion, obj.kind);
          if (!def) throw new Error(`bulkLoad: unknown kind ${obj.apiVersion}/${obj.kind}`);
          obj.metadata.uid ||= randomUUID();
          obj.metadata.creationTimestamp ||= api.timestamp();
          if (def.namespaced) obj.metadata.namespace ||= "renku";
          obj.metadata.generation ??= 1;
          api.store.put(def, obj);
        }
      } finally {
        sim.bulkLoading = false;
        sessions.bulkLoading = false;
      }
    },
    pullFrom(hosts) {
      for (const h of hosts) sessions.workload.pullHosts.add(h);
    },
    connectGitRemote(remote) {
      sim.workload.gitRemote = remote;
      sessions.workload.gitRemote = remote;
    },
    async stop() {
      if (ticker) clearInterval(ticker);
      for (const t of timers) clearTimeout(t);
      for (const w of watches) w.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

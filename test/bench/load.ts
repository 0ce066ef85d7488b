/**
 * Load run (issue 9): the service under `serverless offline` against the local stand-ins, 20
 * simulated users (10 registered, 10 anonymous), each a closed loop of list 60% / get 20% /
 * start 10% / stop 10% for LOAD_SECONDS (default 60). Reports throughput, p50/p99 and errors
 * (anything but the expected 404s), then checks that the cluster holds exactly the sessions the
 * users believe they have. `npx tsx test/bench/load.ts`; run() is exported for the bench suite.
 * A small driver rather than autocannon: the mix needs per-user state (which sessions exist).
 */
import { pathToFileURL } from "node:url";
import { type Offline, startOffline } from "../helpers/offline.js";
import { anonHeaders, registeredHeaders } from "../helpers/users.js";
import { startStandIns } from "./stand-ins.js";
import { percentile } from "./stats.js";

const LAUNCHES = [
  { branch: "master", commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82" },
  { branch: "main", commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82" },
  { branch: "feature/plots", commit_sha: "4800fe13623630e5d59a42b4d28079714ace0edc" },
] as const;

type Op = "list" | "get" | "start" | "stop";

export interface LoadResult {
  seconds: number;
  users: number;
  requests: number;
  throughput: number;
  p50: number;
  p99: number;
  byOp: Record<Op, { count: number; p50: number; p99: number }>;
  expected404: number;
  errors: number;
  errorSamples: string[];
  /** Users whose failed start or stop left their sessions unknown (not checked). */
  uncertainUsers: number;
  sessionsExpected: number;
  sessionsInCluster: number;
  clusterMatches: boolean;
}

interface User {
  /** The id the service records on its sessions (renku.io/userId). */
  id: string;
  headers: Record<string, string>;
  sessions: Set<string>;
  /** A start or stop that failed may or may not have happened: its sessions are not checked. */
  uncertain: boolean;
}

function pick(r: number): Op {
  if (r < 0.6) return "list";
  if (r < 0.8) return "get";
  if (r < 0.9) return "start";
  return "stop";
}

const any = <T>(items: readonly T[]): T | undefined =>
  items[Math.floor(Math.random() * items.length)];

export async function run(opts: { seconds?: number; users?: number } = {}): Promise<LoadResult> {
  const seconds = opts.seconds ?? Number(process.env.LOAD_SECONDS ?? 60);
  const userCount = opts.users ?? 20;
  const standIns = await startStandIns();
  let offline: Offline | undefined;
  try {
    offline = await startOffline({ ...standIns.env, NB_LOG_LEVEL: "warn" }, 300_000);
    const base = `${offline.url}/notebooks`;
    const users: User[] = Array.from({ length: userCount }, (_, i) => {
      const anonId = `anon-load-${i}-${Math.random().toString(36).slice(2, 10)}`;
      const registered = i % 2 === 0;
      return {
        id: registered ? `sub-load-user-${i}` : anonId,
        headers: registered
          ? registeredHeaders({ username: `load-user-${i}`, gitToken: "glpat-alice-secret" })
          : anonHeaders(anonId),
        sessions: new Set<string>(),
        uncertain: false,
      };
    });
    const latencies: Record<Op, number[]> = { list: [], get: [], start: [], stop: [] };
    const errorSamples: string[] = [];
    let errors = 0;
    let expected404 = 0;
    const fail = (what: string) => {
      errors++;
      if (errorSamples.length < 10) errorSamples.push(what);
    };

    const once = async (user: User): Promise<void> => {
      const op = pick(Math.random());
      const own = any([...user.sessions]);
      // With no session of its own, get/stop ask for one that does not exist: an expected 404.
      const name = own ?? `nosuch-${Math.random().toString(36).slice(2, 8)}`;
      const started = performance.now();
      let res: Response;
      if (op === "list") res = await fetch(`${base}/servers`, { headers: user.headers });
      else if (op === "get")
        res = await fetch(`${base}/servers/${name}`, { headers: user.headers });
      else if (op === "stop")
        res = await fetch(`${base}/servers/${name}?forced=true`, {
          method: "DELETE",
          headers: user.headers,
        });
      else
        res = await fetch(`${base}/servers`, {
          method: "POST",
          headers: { ...user.headers, "content-type": "application/json" },
          body: JSON.stringify({
            namespace: "renku-demo",
            project: "hello-world",
            ...any(LAUNCHES),
          }),
        });
      const text = await res.text();
      latencies[op].push(performance.now() - started);
      // serverless offline answers a Lambda timeout with status 200 and its own error body.
      if (text.includes('"errorType"')) {
        fail(`${op} offline ${text.slice(0, 120)}`);
        if (op === "start" || op === "stop") user.uncertain = true;
        return;
      }
      const ok =
        (op === "list" && res.status === 200) ||
        (op === "get" && res.status === 200 && own !== undefined) ||
        (op === "start" && (res.status === 201 || res.status === 200)) ||
        (op === "stop" && res.status === 204 && own !== undefined);
      const notFound = res.status === 404 && own === undefined && (op === "get" || op === "stop");
      if (notFound) expected404++;
      else if (!ok) {
        fail(`${op} ${res.status} ${text.slice(0, 160)}`);
        if (op === "start" || op === "stop") user.uncertain = true;
      }
      if (op === "start" && ok) user.sessions.add((JSON.parse(text) as { name: string }).name);
      if (op === "stop" && ok) user.sessions.delete(name);
    };

    // Warm-up, not measured: serverless offline starts a worker per concurrent request of each
    // function, so every user touches every function once before the clock starts.
    await Promise.all(
      users.map(async (u) => {
        for (const path of ["/servers", "/servers/nosuch-warm"]) {
          await (await fetch(`${base}${path}`, { headers: u.headers })).text();
        }
        await (
          await fetch(`${base}/servers/nosuch-warm`, { method: "DELETE", headers: u.headers })
        ).text();
        await once(u);
      }),
    );
    for (const op of Object.keys(latencies) as Op[]) latencies[op] = [];
    // Errors of the warm-up still count; its expected 404s and latencies do not.
    expected404 = 0;

    const deadline = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      users.map(async (u) => {
        while (performance.now() < deadline) {
          try {
            await once(u);
          } catch (err) {
            fail(`transport: ${String(err).slice(0, 160)}`);
          }
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;

    const certain = users.filter((u) => !u.uncertain);
    const expected = new Set(certain.flatMap((u) => [...u.sessions]));
    const checkedIds = new Set(certain.map((u) => u.id));
    // Deletions the API accepted may still be finishing (foreground propagation): let them.
    let inCluster = await clusterSessions(standIns.cluster.url);
    for (let i = 0; i < 20 && inCluster.some((s) => s.deleting); i++) {
      await new Promise((r) => setTimeout(r, 500));
      inCluster = await clusterSessions(standIns.cluster.url);
    }
    inCluster = inCluster.filter((s) => s.owner !== undefined && checkedIds.has(s.owner));
    const unexpected = inCluster.filter((s) => !expected.has(s.name));
    const missing = [...expected].filter((n) => !inCluster.some((s) => s.name === n));
    if (unexpected.length || missing.length) {
      errorSamples.push(
        `cluster: unexpected ${JSON.stringify(unexpected)}, missing ${JSON.stringify(missing)}`,
      );
    }
    const all = Object.values(latencies).flat();
    const stat = (v: number[]) => ({
      count: v.length,
      p50: percentile(v, 50),
      p99: percentile(v, 99),
    });
    return {
      seconds: elapsed,
      users: userCount,
      requests: all.length,
      throughput: all.length / elapsed,
      p50: percentile(all, 50),
      p99: percentile(all, 99),
      byOp: {
        list: stat(latencies.list),
        get: stat(latencies.get),
        start: stat(latencies.start),
        stop: stat(latencies.stop),
      },
      expected404,
      errors,
      errorSamples,
      uncertainUsers: users.length - certain.length,
      sessionsExpected: expected.size,
      sessionsInCluster: inCluster.length,
      clusterMatches: unexpected.length === 0 && missing.length === 0,
    };
  } finally {
    await offline?.stop();
    await standIns.stop();
  }
}

async function clusterSessions(
  url: string,
): Promise<Array<{ name: string; deleting: boolean; owner?: string }>> {
  const { LOCAL_TOKEN } = await import("../local/cluster/index.js");
  const res = await fetch(`${url}/apis/amalthea.dev/v1alpha1/namespaces/renku/jupyterservers`, {
    headers: { authorization: `Bearer ${LOCAL_TOKEN}` },
  });
  const body = (await res.json()) as {
    items: Array<{
      metadata: { name: string; deletionTimestamp?: string; annotations?: Record<string, string> };
    }>;
  };
  return body.items.map((i) => ({
    name: i.metadata.name,
    deleting: Boolean(i.metadata.deletionTimestamp),
    owner: i.metadata.annotations?.["renku.io/userId"],
  }));
}

const fmt = (v: number) => `${v.toFixed(1)} ms`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await run();
  const lines = [
    `load: ${r.users} users for ${r.seconds.toFixed(1)} s: ${r.requests} requests, ${r.throughput.toFixed(1)} req/s`,
    `latency all: p50 ${fmt(r.p50)}, p99 ${fmt(r.p99)}`,
    ...Object.entries(r.byOp).map(
      ([op, s]) => `  ${op}: ${s.count} requests, p50 ${fmt(s.p50)}, p99 ${fmt(s.p99)}`,
    ),
    `errors: ${r.errors} (expected 404s: ${r.expected404})`,
    ...r.errorSamples.map((e) => `  ${e}`),
    `sessions (${r.users - r.uncertainUsers} users checked): expected ${r.sessionsExpected}, in cluster ${r.sessionsInCluster}, ${r.clusterMatches ? "match" : "MISMATCH"}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  process.exitCode = r.errors === 0 && r.clusterMatches ? 0 : 1;
}

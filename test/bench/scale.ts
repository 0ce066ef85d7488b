/**
 * Section 11, scale (issue 25): in process (no serverless offline, so no worker start-up counts),
 * against the local cluster with a modelled time per cluster call (0, 20, 80 ms); its simulated
 * operators stay still (sessions are created, not run). For each backend and latency:
 *   - a class of 100 registered users launching at once: p50, p99, 5xx, cluster calls per launch;
 *   - 100 anonymous ids at once against a total of 50: the answers' counts and p99;
 *   - GET /notebooks/servers at 600/s (open loop, random user of the class): p99 and cluster
 *     requests per list (BENCH_SCALE_SECONDS, default 30).
 * Targets at 20 ms: class p99 < 2 s and no 5xx; the burst exact with p99 < 1 s; at 80 ms no 5xx.
 * The cluster runs in a process of its own (cluster-process.ts): its latency is a timer there, and
 * the CPU this process reports per launch is the service's (with the small GitLab and registry
 * doubles), the cluster's reported beside it.
 * BENCH_SCALE_LATENCIES=0,20,80 and BENCH_SCALE_BACKENDS=jupyterserver,amaltheasession narrow it.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { main as createEndpoint } from "../../functions/servers/create.js";
import { main as listEndpoint } from "../../functions/servers/list.js";
import { loadConfig } from "../../lib/config/load.js";
import type { LambdaHandler } from "../../lib/http/handler.js";
import { createLogger } from "../../lib/obs/log.js";
import { buildTestDeps } from "../helpers/deps.js";
import { type EventInput, invoke } from "../helpers/events.js";
import { anonHeaders, registeredHeaders } from "../helpers/users.js";
import { provisionQuotaObjects } from "../local/crc/index.js";
import { startClusterProcess } from "./cluster-process.js";
import { startStandIns } from "./stand-ins.js";
import { ms, percentile } from "./stats.js";
import { type Row, verdict } from "./table.js";

const CLASS = 100;
const ANON = 100;
const ANON_TOTAL = 50;
const LIST_RATE = 600;

const body = {
  namespace: "renku-demo",
  project: "hello-world",
  branch: "master",
  commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
};

interface Timed {
  status: number;
  ms: number;
}

/** Runs every call at once; each one's status and time from the common start. */
async function burst(calls: (() => Promise<{ status: number }>)[]): Promise<Timed[]> {
  const t0 = performance.now();
  return Promise.all(
    calls.map(async (call) => {
      const r = await call();
      return { status: r.status, ms: performance.now() - t0 };
    }),
  );
}

const counts = (results: Timed[]) => {
  const out: Record<number, number> = {};
  for (const r of results) out[r.status] = (out[r.status] ?? 0) + 1;
  return Object.entries(out)
    .map(([status, n]) => `${n} × ${status}`)
    .join(", ");
};
const fivexx = (results: Timed[]) => results.filter((r) => r.status >= 500).length;

export async function scale(say: (line: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  const latencies = (process.env.BENCH_SCALE_LATENCIES ?? "0,20,80").split(",").map(Number);
  const backends = (process.env.BENCH_SCALE_BACKENDS ?? "jupyterserver,amaltheasession").split(",");
  const seconds = Number(process.env.BENCH_SCALE_SECONDS ?? 30);
  for (const backend of backends) {
    for (const latency of latencies) {
      const section = `11 scale (${backend}, ${latency} ms per cluster call)`;
      say(`[bench] ${section}`);
      // The simulated operators stay still (manual timing): in this one process their work would
      // be counted as the service's. The API server's own time is the modelled latency.
      const standIns = await startStandIns({ timing: "manual" });
      const cluster = await startClusterProcess();
      try {
        await provisionQuotaObjects(cluster.url, "renku", standIns.dataServices.quotas());
        const kubeconfig = join(standIns.kubeconfigPath, "..", "kubeconfig-scale");
        await cluster.writeKubeconfig(kubeconfig);
        const env = {
          ...standIns.env,
          NB_K8S__KUBECONFIG: kubeconfig,
          NB_AMALTHEA__BACKEND: backend,
          NB_QUOTAS__SESSIONS_PER_USER: "10",
          NB_QUOTAS__ANONYMOUS_SESSIONS_TOTAL: String(ANON_TOTAL),
          // Every caller here is 127.0.0.1: the per-address share would be the only limit seen.
          NB_QUOTAS__ANONYMOUS_SESSIONS_PER_CLIENT: "0",
          NB_UPSTREAM_TIMEOUT_MS: "20000",
          NB_METRICS__ENABLED: "false",
        };
        const deps = buildTestDeps(loadConfig(env), { log: createLogger("silent") });
        const create = createEndpoint.with(deps);
        const list = listEndpoint.with(deps);
        const students = Array.from({ length: CLASS }, (_, i) => `student${i}`);
        for (const [i, username] of students.entries())
          standIns.gitlab.state.addUser({
            id: 5000 + i,
            username,
            name: username,
            email: `${username}@example.org`,
            tokens: [`glpat-${username}-secret`],
          });
        await cluster.setLatency(latency);
        const post = (main: LambdaHandler, headers: Record<string, string>) =>
          invoke(main, { method: "POST", path: "/notebooks/servers", headers, body });
        const calls = () => cluster.requestCount();

        // A class of 100 registered users launching at once.
        let before = await calls();
        const clusterCpu0 = await cluster.cpuMs();
        const cpu0 = process.cpuUsage();
        const launched = await burst(
          students.map((u) => () => post(create, registeredHeaders({ username: u }))),
        );
        const cpu = process.cpuUsage(cpu0);
        const perLaunch = ((await calls()) - before) / CLASS;
        const clusterCpu = (await cluster.cpuMs()) - clusterCpu0;
        const p99 = percentile(
          launched.map((r) => r.ms),
          99,
        );
        rows.push(
          {
            section,
            measure: `class of ${CLASS} launching at once: answers`,
            value: counts(launched),
            ...(latency === 20 || latency === 80
              ? { target: "no 5xx", verdict: verdict(fivexx(launched) === 0) }
              : {}),
          },
          {
            section,
            measure: "class of 100: p50 / p99",
            value: `${ms(
              percentile(
                launched.map((r) => r.ms),
                50,
              ),
            )} / ${ms(p99)}`,
            ...(latency === 20 ? { target: "p99 < 2 s", verdict: verdict(p99 < 2000) } : {}),
          },
          {
            section,
            measure: "class of 100: cluster calls per launch",
            value: perLaunch.toFixed(1),
          },
          {
            // On a loaded machine the wall times above are this CPU time stretched by the share
            // of a core the process got.
            section,
            measure: "class of 100: CPU per launch, service (+ GitLab and registry doubles)",
            value: ms((cpu.user + cpu.system) / 1000 / CLASS),
            versus: `the cluster's process: ${ms(clusterCpu / CLASS)} per launch`,
          },
        );

        // 100 anonymous ids at once against a total of 50.
        before = await calls();
        const anon = await burst(
          Array.from(
            { length: ANON },
            (_, i) => () => post(create, anonHeaders(`anon-scale-${i}`)),
          ),
        );
        const anonP99 = percentile(
          anon.map((r) => r.ms),
          99,
        );
        const exact =
          anon.filter((r) => r.status === 201).length === ANON_TOTAL &&
          anon.filter((r) => r.status === 429).length === ANON - ANON_TOTAL;
        rows.push(
          {
            section,
            measure: `${ANON} anonymous ids against a total of ${ANON_TOTAL}: answers`,
            value: counts(anon),
            ...(latency === 20
              ? { target: "exactly 50 × 201, 50 × 429", verdict: verdict(exact) }
              : {}),
          },
          {
            section,
            measure: "anonymous burst: p99; cluster calls per POST",
            value: `${ms(anonP99)}; ${(((await calls()) - before) / ANON).toFixed(1)}`,
            ...(latency === 20 ? { target: "p99 < 1 s", verdict: verdict(anonP99 < 1000) } : {}),
          },
        );

        // The class's sessions come up (outside the measured window): polling lists see them
        // running, as they would be for most of a class.
        await cluster.settle();

        // GET /notebooks/servers at 600/s, open loop.
        const total = LIST_RATE * seconds;
        const listTimes: number[] = [];
        let listFailures = 0;
        let firstFailure = "";
        before = await calls();
        const started = performance.now();
        const pending: Promise<void>[] = [];
        const fire = (i: number) => {
          const t0 = performance.now();
          const event: EventInput = {
            method: "GET",
            path: "/notebooks/servers",
            headers: registeredHeaders({ username: students[i % CLASS] as string }),
          };
          pending.push(
            invoke(list, event).then((r) => {
              if (r.status !== 200 && listFailures++ === 0)
                firstFailure = `, first: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`;
              listTimes.push(performance.now() - t0);
            }),
          );
        };
        let fired = 0;
        await new Promise<void>((resolve) => {
          const tick = setInterval(() => {
            const due = Math.min(
              total,
              Math.floor(((performance.now() - started) / 1000) * LIST_RATE),
            );
            while (fired < due) fire(fired++);
            if (fired >= total) {
              clearInterval(tick);
              resolve();
            }
          }, 10);
        });
        await Promise.all(pending);
        const elapsed = (performance.now() - started) / 1000;
        rows.push(
          {
            section,
            measure: `GET /servers at ${LIST_RATE}/s for ${seconds} s: p50 / p99`,
            value: `${ms(percentile(listTimes, 50))} / ${ms(percentile(listTimes, 99))} (${(total / elapsed).toFixed(0)}/s achieved, ${listFailures} not 200${firstFailure})`,
          },
          {
            section,
            measure: "GET /servers: cluster requests per list",
            value: (((await calls()) - before) / total).toFixed(2),
          },
        );
      } finally {
        await Promise.all([cluster.stop(), standIns.stop()]);
      }
    }
  }
  return rows;
}

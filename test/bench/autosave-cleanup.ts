/**
 * Benchmark of the scheduled autosave clean-up (issue 8 item 6): branches evaluated per second by
 * the real handler code against the GitLab double answering every call after 20 ms, with the ledger
 * in a ConfigMap of the local cluster. 500 projects x 20 autosave branches; per project 6 expired,
 * 2 superseded and 12 recent ones, so a real run lists 500 pages and deletes 4 000 branches.
 *
 * `npx tsx test/bench/autosave-cleanup.ts` prints the figures; `run()` returns them as table rows
 * for `npm run bench`. Figures only: nothing here asserts a timing.
 * BENCH_AUTOSAVE_PROJECTS / BENCH_AUTOSAVE_BRANCHES / BENCH_AUTOSAVE_LATENCY_MS change the shape.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CleanupSummary, LedgerEntry } from "../../lib/autosave/index.js";
import { loadConfig } from "../../lib/config/load.js";
import { createLogger } from "../../lib/obs/log.js";
import { runScheduledCleanup } from "../../lib/use-cases/scheduled-cleanup.js";
import { buildTestDeps } from "../helpers/deps.js";
import { startLocalCluster } from "../local/cluster/index.js";
import { type GitLabDouble, startGitLabDouble } from "../local/gitlab/index.js";
import type { Row } from "./table.js";

const SECTION = "6 autosave clean-up";
const DAY = 86_400_000;
const SERVICE_TOKEN = "glpat-service-secret";

export interface AutosaveBenchOptions {
  projects?: number;
  branchesPerProject?: number;
  latencyMs?: number;
  /** Job concurrencies to measure real (deleting) runs at; the first one also gets a dry run. */
  concurrencies?: number[];
  say?: (line: string) => void;
}

const num = (v: string | undefined, d: number) => (v && Number(v) > 0 ? Number(v) : d);
const sha = (s: string) => createHash("sha1").update(s).digest("hex");

/** Seeds (or re-seeds after a deleting run) every project's autosave branches. */
function seedProjects(gitlab: GitLabDouble, projects: number, perProject: number, now: number) {
  const entries: LedgerEntry[] = [];
  let deletable = 0;
  for (let p = 0; p < projects; p++) {
    const id = 100_000 + p;
    const path = `bench/project-${p}`;
    const root = sha(`root-${p}`);
    if (!gitlab.state.project(id)) {
      gitlab.state.addProject({
        id,
        path,
        visibility: "private",
        default_branch: "master",
        commits: [
          { id: root, parents: [], message: "init", committed_date: "2024-01-01T00:00:00Z" },
        ],
        branches: [{ name: "master", commit: root }],
      });
    }
    for (let b = 0; b < perProject; b++) {
      // Slots 0-5 expired, 6-7 superseded by 8-9 (same user/branch/root, newer), the rest recent.
      const slot = b % 20;
      const expired = slot < 6;
      const superseded = slot === 6 || slot === 7;
      const user = superseded ? `u${slot + 2}` : `u${slot}`;
      const ageMs = expired ? 30 * DAY : superseded ? 3 * DAY : 1 * DAY;
      if (expired || superseded) deletable++;
      const head = sha(`${id}-${b}`);
      gitlab.state.addCommit(id, {
        id: head,
        parents: [root],
        message: "autosave",
        committed_date: new Date(now - ageMs).toISOString(),
      });
      gitlab.state.setBranch(
        id,
        `renku/autosave/${user}/b${Math.floor(b / 20)}/${root.slice(0, 7)}/${head.slice(0, 7)}`,
        head,
      );
    }
    entries.push({
      projectId: id,
      projectPath: path,
      lastLaunch: new Date(now - DAY).toISOString(),
    });
  }
  return { entries, deletable };
}

export async function run(opts: AutosaveBenchOptions = {}): Promise<Row[]> {
  const projects = opts.projects ?? num(process.env.BENCH_AUTOSAVE_PROJECTS, 500);
  const perProject = opts.branchesPerProject ?? num(process.env.BENCH_AUTOSAVE_BRANCHES, 20);
  const latencyMs = opts.latencyMs ?? num(process.env.BENCH_AUTOSAVE_LATENCY_MS, 20);
  const concurrencies = opts.concurrencies ?? [4, 16];
  const say = opts.say ?? ((line: string) => process.stderr.write(`${line}\n`));

  const [cluster, gitlab] = await Promise.all([
    startLocalCluster({ timing: "instant" }),
    startGitLabDouble(),
  ]);
  const dir = await mkdtemp(join(tmpdir(), "nb-bench-autosave-"));
  const rows: Row[] = [];
  try {
    const kubeconfig = join(dir, "kubeconfig");
    await cluster.writeKubeconfig(kubeconfig);
    const baseEnv = {
      NB_LOG_LEVEL: "silent",
      NB_K8S__KUBECONFIG: kubeconfig,
      NB_K8S__NAMESPACE: "renku",
      NB_GIT__URL: gitlab.url,
      NB_GIT__SERVICE_TOKEN: SERVICE_TOKEN,
      NB_STAGE: "local",
      NB_SESSIONS__INGRESS__HOST: "sessions.localhost",
      NB_UPSTREAM_TIMEOUT_MS: "10000",
    };

    const measure = async (label: string, env: Record<string, string>) => {
      const now = Date.now();
      const { entries, deletable } = seedProjects(gitlab, projects, perProject, now);
      const config = loadConfig({ ...baseEnv, ...env });
      const deps = buildTestDeps(config, { log: createLogger("silent") });
      const ledger = deps.ledger;
      const current = await ledger.read();
      await ledger.write(entries, current.version);
      gitlab.setLatency(latencyMs);
      const callsBefore = gitlab.calls.length;
      say(`[bench] autosave clean-up: ${label}`);
      const started = performance.now();
      const summary: CleanupSummary = await runScheduledCleanup(deps);
      const seconds = (performance.now() - started) / 1000;
      gitlab.setLatency(0);
      const calls = gitlab.calls.length - callsBefore;
      const concurrency = config.autosave.concurrency;
      // What the calls would cost if the job kept `concurrency` calls in flight all the time.
      const floor = (calls * latencyMs) / 1000 / concurrency;
      const perSecond = summary.branchesEvaluated / seconds;
      rows.push({
        section: SECTION,
        measure: `${label}: branches evaluated per second`,
        value: perSecond.toFixed(0),
        versus: `${summary.branchesEvaluated} branches in ${seconds.toFixed(1)} s; ${calls} GitLab calls (${(calls / seconds).toFixed(0)}/s); ideal ${floor.toFixed(1)} s at ${concurrency} in flight x ${latencyMs} ms`,
      });
      rows.push({
        section: SECTION,
        measure: `${label}: outcome`,
        value: `deleted ${summary.branchesDeleted}, would delete ${summary.dryRun ? summary.branchesSelected : 0}, kept ${summary.branchesKept}, failed ${summary.branchesFailed}`,
        versus: `expected ${deletable} to delete; projects ${summary.projectsScanned}/${projects}`,
      });
      say(
        `[bench]   ${perSecond.toFixed(0)} branches/s (${summary.branchesEvaluated} in ${seconds.toFixed(1)} s, ${calls} calls)`,
      );
    };

    const [first = 4] = concurrencies;
    await measure(`dry run, concurrency ${first}`, {
      NB_AUTOSAVE__DRY_RUN: "true",
      NB_AUTOSAVE__CONCURRENCY: String(first),
      NB_AUTOSAVE__LEDGER_NAME: "bench-dry",
    });
    for (const c of concurrencies) {
      await measure(`deleting run, concurrency ${c}`, {
        NB_AUTOSAVE__CONCURRENCY: String(c),
        NB_AUTOSAVE__LEDGER_NAME: `bench-c${c}`,
      });
    }
    rows.unshift({
      section: SECTION,
      measure: "shape",
      value: `${projects} projects x ${perProject} branches, ${latencyMs} ms per GitLab call`,
      versus: `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} at the end (the machine's other work slows every figure)`,
    });
  } finally {
    await Promise.all([cluster.stop(), gitlab.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then(
    (rows) => {
      for (const r of rows) {
        process.stdout.write(`${r.measure}: ${r.value}${r.versus ? ` (${r.versus})` : ""}\n`);
      }
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`autosave bench failed: ${err instanceof Error ? err.stack : err}\n`);
      process.exit(1);
    },
  );
}

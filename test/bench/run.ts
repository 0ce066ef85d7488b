/**
 * `npm run bench`: cold start and bundle size, warm GET /servers against a bare list, warm POST
 * against its critical path, scaling, memory and the autosave clean-up. Prints one table and writes
 * it to test/bench/results.md. Figures only: nothing here asserts a timing.
 *
 * BENCH_RUNS (default 10) cold starts per function; BENCH_REUSE_PACKAGE=1 reuses .serverless/*.zip;
 * BENCH_FUNCTIONS=health,serversList limits the cold starts to those functions (loaded machines);
 * BENCH_METRICS=compare also times each cold start with metrics off (the metrics' cost);
 * BENCH_SOURCE_MAPS=compare also times each cold start with --enable-source-maps;
 * BENCH_ONLY=cold stops after the cold starts and bundle sizes; BENCH_ONLY=warm runs only list, get
 * and POST for each backend (no packaging, cold starts, memory or clean-up); BENCH_ONLY=post runs
 * only the warm POST (section 3) and the comparison with the reference model (section 7), without
 * packaging; BENCH_ONLY=checks runs only the in-process validator and quota checks (section 8),
 * without packaging or stand-ins; BENCH_ONLY=eks runs only the first EKS-mode request, SDK against
 * signed fetch, and kubeconfig mode's SDK-free start (section 9), without packaging or stand-ins;
 * BENCH_ONLY=regex times only the service's regular expressions on adversarial input (section 10);
 * BENCH_ONLY=scale runs only the scale section (11, test/bench/scale.ts), in process.
 */

import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { installTestDeps } from "../helpers/deps.js";
import { packageFunctions, unzipBundles } from "./bundles.js";
import { checks } from "./checks.js";
import { coldLaunches, coldStarts } from "./cold-start.js";
import { eksFirstRequest } from "./eks-first.js";
import { machineDescription } from "./machine.js";
import { memory } from "./memory.js";
import { regexes } from "./regexes.js";
import { scale } from "./scale.js";
import { clearSessions, startStandIns } from "./stand-ins.js";
import { type Row, renderTable } from "./table.js";
import { v2Warm } from "./v2.js";
import { versusReference } from "./versus-reference.js";
import { fillTo, listAndGet, listVersusBare, postWithDelays, setUpWarm } from "./warm.js";

const say = (line: string) => process.stderr.write(`${line}\n`);
const runs = Math.max(10, Number(process.env.BENCH_RUNS ?? 10));
const rows: Row[] = [];

async function section(name: string, fn: () => Promise<Row[]>): Promise<void> {
  say(`[bench] ${name}`);
  try {
    rows.push(...(await fn()));
  } catch (err) {
    rows.push({ section: name, measure: "not available", value: String(err).slice(0, 160) });
  }
}

async function autosaveCleanup(): Promise<Row[]> {
  const file = join(import.meta.dirname, "autosave-cleanup.ts");
  if (!existsSync(file)) {
    return [
      {
        section: "6 autosave clean-up",
        measure: "not available",
        value: "no autosave-cleanup.ts yet",
      },
    ];
  }
  const mod = (await import(pathToFileURL(file).href)) as { run?: () => Promise<unknown> };
  if (typeof mod.run !== "function") {
    return [{ section: "6 autosave clean-up", measure: "not available", value: "no run() export" }];
  }
  const result = await mod.run();
  if (Array.isArray(result)) return result as Row[];
  return [{ section: "6 autosave clean-up", measure: "result", value: JSON.stringify(result) }];
}

type Bench = Awaited<ReturnType<typeof setUpWarm>>;

/** The warm handlers for a backend, or undefined (its failure a row of the table). */
async function warmSetUp(
  standIns: Awaited<ReturnType<typeof startStandIns>>,
  backend?: "amaltheasession",
): Promise<Bench | undefined> {
  let bench: Bench | undefined;
  await section(`warm set-up${backend ? ` (${backend})` : ""}`, async () => {
    bench = await setUpWarm(standIns, backend);
    return [];
  });
  return bench;
}

/** List, get (200 and 2000 sessions) and POST on the AmaltheaSession backend, beside the figures above. */
async function amaltheaSessionWarm(standIns: Awaited<ReturnType<typeof startStandIns>>) {
  // alice's JupyterServer from the sections above holds the same name, and its StatefulSet would
  // refuse the AmaltheaSession's: that session would never run.
  await clearSessions(standIns, "alice");
  const b = await warmSetUp(standIns, "amaltheasession");
  if (!b) return;
  fillTo(standIns, b, 200);
  await section("4 scaling", () => listAndGet(b, 50));
  fillTo(standIns, b, 2000);
  await section("2 GET /servers warm", () => listVersusBare(b, 300));
  await section("4 scaling", () => listAndGet(b, 50));
  await section("3 POST /servers warm", () => postWithDelays(standIns, b, 20));
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = machineDescription();
  if (process.env.BENCH_ONLY === "checks") {
    await section("8 validator and quota checks", () => checks());
    process.stdout.write(`Machine: ${machine}\n\n${renderTable(rows)}\n`);
    return;
  }
  if (process.env.BENCH_ONLY === "regex") {
    await section("10 regular expressions", async () => regexes());
    process.stdout.write(`Machine: ${machine}\n\n${renderTable(rows)}\n`);
    return;
  }
  if (process.env.BENCH_ONLY === "scale") {
    await section("11 scale", () => scale(say));
    process.stdout.write(`Machine: ${machine}\n\n${renderTable(rows)}\n`);
    return;
  }
  if (process.env.BENCH_ONLY === "eks") {
    await section("9 EKS first request", () => eksFirstRequest(runs, say));
    process.stdout.write(`Machine: ${machine}\n\n${renderTable(rows)}\n`);
    return;
  }
  if (process.env.BENCH_ONLY === "v2") {
    const standIns = await startStandIns();
    try {
      await section("2/3 v2 sessions API warm", () => v2Warm(standIns));
    } finally {
      installTestDeps(undefined);
      await standIns.stop();
    }
    process.stdout.write(`${renderTable(rows)}\n`);
    return;
  }
  if (process.env.BENCH_ONLY === "warm") {
    const standIns = await startStandIns();
    try {
      for (const backend of ["jupyterserver", "amaltheasession"] as const) {
        const b = await setUpWarm(standIns, backend);
        fillTo(standIns, b, 200);
        await section("4 scaling", () => listAndGet(b, 20));
        await section("3 POST /servers warm", () => postWithDelays(standIns, b, 10));
      }
    } finally {
      installTestDeps(undefined);
      await standIns.stop();
    }
    process.stdout.write(`${renderTable(rows)}\n`);
    return;
  }
  const postOnly = process.env.BENCH_ONLY === "post";
  if (!postOnly) packageFunctions(say);
  const bundles = postOnly ? [] : unzipBundles();
  const standIns = await startStandIns();
  try {
    const only = process.env.BENCH_FUNCTIONS?.split(",").filter(Boolean);
    const cold = only ? bundles.filter((b) => only.includes(b.name)) : bundles;
    const compareSourceMaps = process.env.BENCH_SOURCE_MAPS === "compare";
    const compareMetrics = process.env.BENCH_METRICS === "compare";
    if (!postOnly) {
      await section("1 cold start", () =>
        coldStarts(cold, standIns.env, runs, say, { compareSourceMaps, compareMetrics }),
      );
      const create = cold.find((b) => b.name === "serversCreate");
      if (create) {
        await section("1 cold start", () =>
          coldLaunches(create, standIns.env, runs, () => clearSessions(standIns, "alice")),
        );
      }
    }
    if (postOnly) {
      const b = await warmSetUp(standIns);
      if (b) {
        await section("3 POST /servers warm", () => postWithDelays(standIns, b, 20));
        await section("7 versus the reference model", () => versusReference(standIns, b, 100));
      }
    } else if (process.env.BENCH_ONLY !== "cold") {
      const b = await warmSetUp(standIns);
      if (b) {
        fillTo(standIns, b, 200);
        await section("4 scaling", () => listAndGet(b, 50));
        fillTo(standIns, b, 2000);
        await section("2 GET /servers warm", () => listVersusBare(b, 300));
        await section("4 scaling", () => listAndGet(b, 50));
        fillTo(standIns, b, 20000);
        await section("4 scaling", () => listAndGet(b, 50));
        await section("5 memory", () =>
          memory(bundles, standIns.env, b.template.metadata.name, 1000),
        );
        await section("3 POST /servers warm", () => postWithDelays(standIns, b, 20));
        await section("7 versus the reference model", () => versusReference(standIns, b, 100));
      }
      await amaltheaSessionWarm(standIns);
      await section("2/3 v2 sessions API warm", () => v2Warm(standIns));
      await section("6 autosave clean-up", autosaveCleanup);
      await section("8 validator and quota checks", () => checks());
      await section("9 EKS first request", () => eksFirstRequest(runs, say));
      await section("10 regular expressions", async () => regexes());
      await section("11 scale", () => scale(say));
    }
  } finally {
    installTestDeps(undefined);
    await standIns.stop();
  }
  const table = renderTable(rows);
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const doc = `Machine: ${machine}\n\nRun: ${new Date().toISOString()}, ${minutes} min, ${runs} cold starts per function.\n\n${table}\n`;
  // A partial run (BENCH_ONLY) prints its table but leaves the full run's record alone.
  if (!process.env.BENCH_ONLY) {
    writeFileSync(join(import.meta.dirname, "results.md"), `# Benchmark results\n\n${doc}`);
  }
  process.stdout.write(`${doc}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    say(`[bench] failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);

/**
 * Cold start: a fresh `node` process that requires a function's bundle and serves its first request
 * (its sample event, against the stand-ins), against a fresh `node` process that requires a bare
 * handler. Runs alternate between the two so load on the machine hits both alike.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fetchLambdaNode, lambdaRuntime } from "../helpers/lambda-node.js";
import { registeredHeaders } from "../helpers/users.js";
import { dominantModules, type FunctionBundle, ROOT } from "./bundles.js";
import { launchBody } from "./launch-body.js";
import { kb, median, ms } from "./stats.js";
import { type Row, verdict } from "./table.js";

const HARNESS = join(import.meta.dirname, "harness.cjs");
const BARE = join(import.meta.dirname, "bare.cjs");
const SIZE_LIMIT = 400 * 1024;
const OVER_BARE_MS = 60;

export interface ChildResult {
  ms: number;
  report: Record<string, unknown>;
  /** What the process wrote on stderr (Node's own warnings land there). */
  stderr: string;
}

/** Spawns a fresh node running `script`; its `BENCH {json}` line and the wall time to exit. */
export function spawnReport(
  script: string,
  args: string[],
  env: Record<string, string>,
  nodeArgs: string[] = [],
  node = process.execPath,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(node, [...nodeArgs, script, ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
    });
    child.on("error", reject);
    child.on("close", () => {
      const elapsed = performance.now() - t0;
      const line = out.split("\n").find((l) => l.startsWith("BENCH "));
      if (!line) {
        reject(new Error(`no result from ${args[0] ?? script}: ${err.slice(0, 300)}`));
        return;
      }
      try {
        resolve({
          ms: elapsed,
          report: JSON.parse(line.slice(6)) as Record<string, unknown>,
          stderr: err,
        });
      } catch (e) {
        reject(new Error(`unreadable result from ${args[0] ?? script}: ${(e as Error).message}`));
      }
    });
  });
}

/**
 * The Node that cold starts run on: Lambda's (the runtime in serverless.yml), as deployed;
 * BENCH_NODE=system for this machine's, or a path to another binary.
 */
export async function benchNode(): Promise<{ path: string; label: string }> {
  const chosen = process.env.BENCH_NODE;
  if (chosen === "system")
    return { path: process.execPath, label: `this machine's ${process.version}` };
  if (chosen) return { path: chosen, label: chosen };
  return { path: await fetchLambdaNode(), label: `${lambdaRuntime()}'s Node` };
}

/** Spawns a fresh node running the harness; the wall time from spawn to exit. */
export function runChild(
  bundle: string,
  eventsFile: string,
  env: Record<string, string>,
  opts: { repeat?: number; nodeArgs?: string[]; node?: string } = {},
): Promise<ChildResult> {
  return spawnReport(
    HARNESS,
    [bundle, eventsFile, String(opts.repeat ?? 1)],
    env,
    opts.nodeArgs,
    opts.node,
  );
}

/** A function's sample event (events/<fn>.json), signed in as the seed's alice. */
export function sampleEvent(name: string): Record<string, unknown> {
  const event = JSON.parse(readFileSync(join(ROOT, "events", `${name}.json`), "utf8")) as {
    headers?: Record<string, string>;
  };
  if (event.headers?.["renku-auth-id-token"]) {
    event.headers = { ...event.headers, ...registeredHeaders({ username: "alice" }) };
  }
  // The sample event names a commit the seed lacks; launch one the stand-ins can serve.
  if (name === "serversCreate") Object.assign(event, { body: JSON.stringify(launchBody) });
  return event;
}

export function writeEvents(name: string, events: unknown[]): string {
  const file = join(tmpdir(), `nb-bench-events-${process.pid}-${name}.json`);
  writeFileSync(file, JSON.stringify(events));
  return file;
}

/**
 * The environment of a deployed function (serverless.yml's provider.environment essentials).
 * Lambda sets no NODE_EXTRA_CA_CERTS: a machine's own (this one's costs Node 20 ~70 ms at every
 * start, reading its CA bundle) is left out, as NODE_OPTIONS is.
 */
export function lambdaEnv(standIns: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v !== undefined &&
      !k.startsWith("NB_") &&
      k !== "NODE_OPTIONS" &&
      k !== "NODE_EXTRA_CA_CERTS"
    )
      env[k] = v;
  }
  return {
    ...env,
    ...standIns,
    NODE_OPTIONS: "",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/** Node options with --enable-source-maps (which parses each bundle's map at load). */
function withSourceMaps(env: Record<string, string>): Record<string, string> {
  return { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ""} --enable-source-maps`.trim() };
}

export async function coldStarts(
  bundles: FunctionBundle[],
  standInsEnv: Record<string, string>,
  runs: number,
  say: (line: string) => void,
  opts: { compareSourceMaps?: boolean; compareMetrics?: boolean } = {},
): Promise<Row[]> {
  const env = lambdaEnv(standInsEnv);
  const { path: node, label } = await benchNode();
  const mapsEnv = withSourceMaps(env);
  // Metrics are on by default (issue 18): the same function with NB_METRICS__ENABLED=false.
  const noMetricsEnv = { ...env, NB_METRICS__ENABLED: "false" };
  const bareEvents = writeEvents("bare", [{}]);
  const rows: Row[] = [];
  const bareTimes: number[] = [];
  const results: Array<{
    bundle: FunctionBundle;
    times: number[];
    withMaps: number[];
    noMetrics: number[];
    statuses: string;
  }> = [];
  for (const bundle of bundles) {
    const eventsFile = writeEvents(bundle.name, [sampleEvent(bundle.name)]);
    const times: number[] = [];
    const withMaps: number[] = [];
    const noMetrics: number[] = [];
    let statuses = "";
    for (let i = 0; i < runs; i++) {
      bareTimes.push((await runChild(BARE, bareEvents, env, { node })).ms);
      const r = await runChild(bundle.file, eventsFile, env, { node });
      times.push(r.ms);
      // Alternating with the run above, so the machine's load hits both alike.
      if (opts.compareSourceMaps)
        withMaps.push((await runChild(bundle.file, eventsFile, mapsEnv, { node })).ms);
      if (opts.compareMetrics)
        noMetrics.push((await runChild(bundle.file, eventsFile, noMetricsEnv, { node })).ms);
      statuses = r.report.error
        ? `error: ${String(r.report.error)}`
        : Object.keys((r.report.statuses as object) ?? {}).join(",");
    }
    say(`  cold start ${bundle.name}: median ${ms(median(times))} (status ${statuses})`);
    results.push({ bundle, times, withMaps, noMetrics, statuses });
  }
  const bare = median(bareTimes);
  rows.push({
    section: "1 cold start",
    measure: "bare node process (require nothing, trivial handler)",
    value: ms(bare),
    versus: `${bareTimes.length} runs, on ${label}`,
  });
  for (const { bundle, times, withMaps, noMetrics, statuses } of results) {
    const fn = median(times);
    const over = fn - bare;
    const modules = await dominantModules(bundle.handler);
    rows.push({
      section: "1 cold start",
      measure: `${bundle.name} (first response ${statuses})`,
      value: ms(fn),
      versus: `+${ms(over)} over bare`,
      target: `<= +${OVER_BARE_MS} ms`,
      verdict: verdict(over <= OVER_BARE_MS),
    });
    if (withMaps.length > 0) {
      const mapped = median(withMaps);
      rows.push({
        section: "1 cold start",
        measure: `${bundle.name} with --enable-source-maps`,
        value: ms(mapped),
        versus: `+${ms(mapped - bare)} over bare; source maps cost ${ms(mapped - fn)}`,
      });
    }
    if (noMetrics.length > 0) {
      const off = median(noMetrics);
      rows.push({
        section: "1 cold start",
        measure: `${bundle.name} with metrics off (tracing off in both)`,
        value: ms(off),
        versus: `metrics on cost ${ms(fn - off)}`,
        target: "<= 5 ms",
        verdict: verdict(fn - off <= 5),
      });
    }
    // The API page carries Swagger UI's script and style as text it serves, not code it runs: the
    // size target is for code, and that function's cold start above is what it costs.
    const servesSwaggerUi = modules.includes("swagger-ui-dist");
    rows.push({
      section: "1 bundle size",
      measure: `${bundle.name}: ${modules}`,
      value: kb(bundle.bytes),
      ...(servesSwaggerUi
        ? { versus: "Swagger UI's script and style, served as text by the page" }
        : { target: "< 400 KB", verdict: verdict(bundle.bytes < SIZE_LIMIT) }),
    });
  }
  return rows;
}

/** A second launch the seed supports (another branch and commit of the same project, its own image). */
const secondLaunch = {
  ...launchBody,
  branch: "feature/plots",
  commit_sha: "4800fe13623630e5d59a42b4d28079714ace0edc",
};

/**
 * serversCreate's sample event repeats one launch, so after its first run it measures the answer
 * for an existing session (200). Here each fresh process launches a new session (201, the caller's
 * sessions cleared before each run), then a second one, warm, in the same process: the difference
 * is what the cold container adds to a launch, apart from the launch's own upstream calls.
 */
export async function coldLaunches(
  bundle: FunctionBundle,
  standInsEnv: Record<string, string>,
  runs: number,
  clear: () => Promise<void>,
): Promise<Row[]> {
  const env = lambdaEnv(standInsEnv);
  const { path: node } = await benchNode();
  const event = sampleEvent(bundle.name);
  const events = writeEvents(`${bundle.name}-launches`, [
    event,
    { ...event, body: JSON.stringify(secondLaunch) },
  ]);
  const bareEvents = writeEvents("bare-launches", [{}]);
  const bare: number[] = [];
  const cold: number[] = [];
  const first: number[] = [];
  const warm: number[] = [];
  let statuses = "";
  for (let i = 0; i < runs; i++) {
    await clear();
    bare.push((await runChild(BARE, bareEvents, env, { node })).ms);
    const r = await runChild(bundle.file, events, env, { node });
    const times = (r.report.times as number[] | undefined) ?? [];
    statuses = r.report.error
      ? `error: ${String(r.report.error)}`
      : Object.keys((r.report.statuses as object) ?? {}).join(",");
    cold.push(r.ms);
    first.push(times[0] ?? Number.NaN);
    warm.push(times[1] ?? Number.NaN);
  }
  await clear();
  // The process also made the warm launch: without it, its wall time is that of one cold launch.
  const oneLaunch = median(cold) - median(warm);
  const over = oneLaunch - median(bare);
  const added = over - median(warm);
  return [
    {
      section: "1 cold start",
      measure: `${bundle.name} launching a new session (responses ${statuses}; the process's wall time less its second, warm launch)`,
      value: ms(oneLaunch),
      versus: `+${ms(over)} over bare; the cold launch took ${ms(median(first))}, a warm one ${ms(median(warm))} (the launch's own ~14 calls to the stand-ins)`,
    },
    {
      section: "1 cold start",
      measure: `${bundle.name}: what a cold container adds to a launch (over bare, less a warm launch)`,
      value: `+${ms(added)}`,
      versus: `loading the bundle, and the first launch ${ms(median(first) - median(warm))} slower than a warm one`,
      target: `<= +${OVER_BARE_MS} ms`,
      verdict: verdict(added <= OVER_BARE_MS),
    },
  ];
}

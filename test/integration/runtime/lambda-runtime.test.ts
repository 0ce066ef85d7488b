/**
 * The bundles on the Node.js that Lambda runs them on (serverless.yml's runtime, nodejs24.x), not
 * this machine's Node 20: every function built as serverless.yml builds it, required by a fresh
 * Node 24 process (test/bench/harness.cjs) and given its sample event against the stand-ins. The
 * answers are the ones users get, and Node prints no warning (a DeprecationWarning on stderr is
 * one more line in every cold start's log).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functionHandlers, lambdaBuildOptions, ROOT } from "../../bench/bundles.js";
import {
  type ChildResult,
  lambdaEnv,
  runChild,
  sampleEvent,
  writeEvents,
} from "../../bench/cold-start.js";
import { type StandIns, startStandIns } from "../../bench/stand-ins.js";
import { lambdaNode, lambdaRuntime } from "../../helpers/lambda-node.js";

interface Response {
  statusCode?: number;
  body?: string;
}

/** What each function's sample event (events/<fn>.json, signed in as alice) answers on a fresh seed. */
const SAMPLE_STATUS: Record<string, number | undefined> = {
  health: 200,
  version: 200,
  spec: 200,
  docs: 200,
  serverOptions: 200,
  serversList: 200,
  serversGet: 404,
  serversPatch: 404,
  serversDelete: 404,
  logs: 404,
  serversEvents: 404,
  images: 404,
  autosavesList: 200,
  autosavesDelete: 404,
  notFound: 404,
  v2SessionsList: 200,
  v2SessionsGet: 404,
  v2SessionsPatch: 404,
  v2SessionsDelete: 204,
  v2SessionsLogs: 404,
  v2SessionsImages: 200,
  // The sample carries no renku-data-services access token.
  v2SessionsCreate: 401,
  // Scheduled and asynchronous invocations answer no HTTP status.
  autosaveCleanup: undefined,
  sessionStop: undefined,
};

let standIns: StandIns;
let node: string;
const bundles = new Map<string, string>();

async function invoke(
  fn: string,
  events: unknown[],
): Promise<ChildResult & { responses: Response[] }> {
  const file = bundles.get(fn);
  if (!file) throw new Error(`no bundle for ${fn}`);
  const env = { ...lambdaEnv(standIns.env), HARNESS_RESPONSES: "1" };
  const r = await runChild(file, writeEvents(`runtime-${fn}`, events), env, { node });
  if (r.report.error) throw new Error(`${fn}: ${String(r.report.error)}\n${r.stderr}`);
  return { ...r, responses: r.report.responses as Response[] };
}

/** Node's own warnings ("(node:123) [DEP0169] DeprecationWarning: …"); the service logs JSON lines. */
const nodeWarnings = (stderr: string) => stderr.split("\n").filter((l) => /^\(node:\d+\)/.test(l));

beforeAll(async () => {
  node = lambdaNode();
  const outdir = mkdtempSync(join(tmpdir(), "nb-runtime-"));
  const fns = functionHandlers();
  const { external, ...options } = lambdaBuildOptions();
  await build({
    ...options,
    external,
    entryPoints: fns.map((f) => join(ROOT, `${f.handler.replace(/\.[^.]+$/, "")}.ts`)),
    outbase: ROOT,
    outdir,
    outExtension: { ".js": ".cjs" },
  });
  for (const f of fns)
    bundles.set(f.name, join(outdir, `${f.handler.replace(/\.[^.]+$/, "")}.cjs`));
  standIns = await startStandIns();
});

afterAll(async () => {
  await standIns?.stop();
});

describe(`the functions on Lambda's Node (${lambdaRuntime()})`, () => {
  it("runs the runtime's Node release", () => {
    const major = /^nodejs(\d+)\.x$/.exec(lambdaRuntime())?.[1];
    expect(execFileSync(node, ["--version"], { encoding: "utf8" }).trim()).toMatch(
      new RegExp(`^v${major}\\.`),
    );
  });

  it.each(Object.keys(SAMPLE_STATUS))(
    "%s answers its sample event, with no Node warning",
    async (fn) => {
      const r = await invoke(fn, [sampleEvent(fn)]);
      expect(r.responses[0]?.statusCode).toBe(SAMPLE_STATUS[fn]);
      expect(nodeWarnings(r.stderr)).toEqual([]);
    },
  );

  it("launches, shows, lists and stops a session", async () => {
    const created = await invoke("serversCreate", [sampleEvent("serversCreate")]);
    expect(created.responses[0]?.statusCode).toBe(201);
    const name = (JSON.parse(created.responses[0]?.body ?? "{}") as { name?: string }).name;
    expect(name).toMatch(/^alice-/);
    const withName = (fn: string) => {
      const event = sampleEvent(fn) as { pathParameters?: Record<string, string> };
      return { ...event, pathParameters: { ...event.pathParameters, server_name: name } };
    };
    const shown = await invoke("serversGet", [withName("serversGet")]);
    expect(shown.responses[0]?.statusCode).toBe(200);
    expect(JSON.parse(shown.responses[0]?.body ?? "{}")).toMatchObject({ name });
    const listed = await invoke("serversList", [sampleEvent("serversList")]);
    const servers = (JSON.parse(listed.responses[0]?.body ?? "{}") as { servers: object }).servers;
    expect(Object.keys(servers)).toContain(name);
    const stopped = await invoke("serversDelete", [withName("serversDelete")]);
    expect(stopped.responses[0]?.statusCode).toBe(204);
    for (const r of [created, shown, listed, stopped]) expect(nodeWarnings(r.stderr)).toEqual([]);
  });
});

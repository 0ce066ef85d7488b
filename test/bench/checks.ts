/**
 * Section 7: what a POST computes before and around its upstream calls (issue 14), warm, in
 * process: validating the body (the route's zod schema, bounded inputs included), deriving the
 * session's names, and the quota check over the listed sessions and pending reservations (with
 * each session's usage read from its serialised form). Target: under 1 ms per request.
 */
import { performance } from "node:perf_hooks";
import { launchBody as launchSchema } from "../../lib/api/requests.js";
import { buildManifest } from "../../lib/backends/jupyterserver/manifest.js";
import { serializeServer } from "../../lib/backends/jupyterserver/serialize.js";
import { checkWithReservations, type Reservation } from "../../lib/quotas/reserve.js";
import { sessionUsage } from "../../lib/quotas/usage.js";
import { sessionNames } from "../../lib/sessions/index.js";
import { manifestInput } from "../unit/sessions/fixtures.js";
import { percentile } from "./stats.js";
import { type Row, verdict } from "./table.js";

const BODY = {
  namespace: "renku-demo",
  project: "hello-world",
  branch: "master",
  commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
  image: "registry.example.org/renku-demo/hello-world:f1ea335",
  default_url: "/lab",
  serverOptions: { cpu_request: "0.5", mem_request: "1G", disk_request: "1G" },
  environment_variables: Object.fromEntries(
    Array.from({ length: 20 }, (_, i) => [`VAR_${i}`, "x".repeat(64)]),
  ),
};

/** What the launch sees when counting: `sessions` listed, each shown as the API shows it. */
function counted(sessions: number) {
  return Array.from({ length: sessions }, (_, i) =>
    sessionUsage(
      `anon-${i}-hello-2dworld-0123abcd`,
      { kind: "anonymous", ownerId: `anon-${i}` },
      {
        status: { state: i % 5 === 0 ? "hibernated" : "running" },
        resources: { requests: { cpu: 0.5, memory: "1G", storage: "1G" } },
      },
    ),
  );
}

const reservations: Reservation[] = Array.from({ length: 10 }, (_, i) => ({
  id: `r${i}`,
  name: `anon-r${i}-hello-2dworld-0123abcd`,
  kind: "anonymous",
  ownerId: `anon-r${i}`,
  cpu: 0.5,
  memory: 1e9,
  at: Date.now(),
}));

const LIMITS = {
  perRegisteredUser: 10,
  perAnonymousId: 2,
  anonymousTotal: 500,
  cpuPerUser: 16,
  memoryPerUser: 64e9,
};

/** Microseconds per call: median and p99 of `runs` calls after `runs` unmeasured ones. */
function time(runs: number, fn: () => unknown): { p50: number; p99: number } {
  for (let i = 0; i < runs; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push((performance.now() - t0) * 1000);
  }
  return { p50: percentile(out, 50), p99: percentile(out, 99) };
}

const us = (v: number) => `${v.toFixed(1)} µs`;

export async function checks(runs = 5000): Promise<Row[]> {
  const section = "8 validator and quota checks";
  const request = { kind: "anonymous" as const, ownerId: "anon-new", cpu: 0.5, memory: 1e9 };
  const user = { kind: "anonymous" as const, id: "anon-new", safeUsername: "anon-2dnew" };
  // A listed session is read as the API shows it (the backend's serialisation), then counted.
  const input = manifestInput();
  const js = buildManifest(input);
  const now = new Date();
  const readOne = () =>
    sessionUsage(
      js.metadata.name,
      { kind: "anonymous", ownerId: "x" },
      serializeServer(js, input.config, now),
    );
  const measures: Array<[string, () => unknown]> = [
    ["validate the POST body (20 env vars)", () => launchSchema.parse(BODY)],
    [
      "derive the session names",
      () =>
        sessionNames(user, {
          namespace: BODY.namespace,
          project: BODY.project,
          branch: BODY.branch,
          commitSha: BODY.commit_sha,
        }),
    ],
    ["read one listed JupyterServer (serialise, usage)", readOne],
    [
      "quota check: read 50 sessions + 10 reservations",
      () => checkWithReservations(LIMITS, counted(50), reservations, request),
    ],
    [
      "quota check: read 500 sessions + 10 reservations",
      () => checkWithReservations(LIMITS, counted(500), reservations, request),
    ],
  ];
  const rows: Row[] = [];
  let total = 0;
  let perSession = 0;
  for (const [measure, fn] of measures) {
    const t = time(runs, fn);
    if (measure.includes("one listed")) perSession = t.p50;
    else if (!measure.includes("500")) total += t.p50;
    rows.push({ section, measure, value: `${us(t.p50)} (p99 ${us(t.p99)})`, verdict: "-" });
  }
  // The count reads each session the list returned: 50 of them (the anonymous total's default).
  total += 50 * perSession;
  rows.push({
    section,
    measure: "per request: validate + names + read and count 50 sessions, median",
    value: us(total),
    target: "< 1 ms",
    verdict: verdict(total < 1000),
  });
  return rows;
}

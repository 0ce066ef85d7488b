/**
 * Section 7: what a POST computes before and around its upstream calls (issue 14), warm, in
 * process: validating the body (the route's zod schema, bounded inputs included), deriving the
 * session's names, and the quota check over the listed places (parse, count). Target: under 1 ms
 * per request.
 */
import { performance } from "node:perf_hooks";
import type { V1ConfigMap } from "@kubernetes/client-node/dist/gen/index.js";
import { configMapSlotStore, GROUP_LABEL } from "../../lib/adapters/quota-store.js";
import { launchBody as launchSchema } from "../../lib/api/requests.js";
import { buildManifest } from "../../lib/backends/jupyterserver/manifest.js";
import { serializeServer } from "../../lib/backends/jupyterserver/serialize.js";
import { quotaScopes } from "../../lib/quotas/reserve.js";
import { sessionShare } from "../../lib/quotas/usage.js";
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

/** A group's places as the list returns them: `n` ConfigMaps (lib/adapters/quota-store.ts). */
function places(n: number): V1ConfigMap[] {
  return Array.from({ length: n }, (_, i) => ({
    metadata: {
      name: `renku-notebooks-quota-anonymous-${i}`,
      labels: { [GROUP_LABEL]: "anonymous", "renku.io/quota-scope": "anonymous" },
      resourceVersion: String(i + 1),
      creationTimestamp: new Date(),
      ownerReferences: [{ apiVersion: "v1", kind: "X", name: `s${i}`, uid: `u${i}` }],
    },
    data: {
      session: `anon-${i}-hello-2dworld-0123abcd`,
      index: String(i),
      cpu: "0.5",
      memory: "1e9",
    },
  }));
}

/** The in-process work of one admission over `n` listed places: parse, count, pick a free one. */
async function countPlaces(cms: V1ConfigMap[]) {
  const store = configMapSlotStore(
    {
      listConfigMaps: async () => cms,
      createConfigMap: async () => undefined,
      replaceConfigMap: async () => undefined,
      deleteConfigMap: async () => false,
      deleteConfigMaps: async () => {},
    },
    "renku-notebooks-quota",
  );
  const slots = await store.list(["anonymous"]);
  const limits = { perRegisteredUser: 10, perAnonymousId: 2, anonymousTotal: 500, perClient: 0 };
  const set = quotaScopes(limits, { kind: "anonymous", ownerId: "anon-new" });
  return set.scopes.map((scope) => slots.filter((s) => s.scope === scope.id).length);
}

/** Microseconds per call: median and p99 of `runs` calls after `runs` unmeasured ones. */
async function time(runs: number, fn: () => unknown): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < runs; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push((performance.now() - t0) * 1000);
  }
  return { p50: percentile(out, 50), p99: percentile(out, 99) };
}

const us = (v: number) => `${v.toFixed(1)} µs`;

export async function checks(runs = 5000): Promise<Row[]> {
  const section = "8 validator and quota checks";
  const user = { kind: "anonymous" as const, id: "anon-new", safeUsername: "anon-2dnew" };
  // A listed session is read as the API shows it (the backend's serialisation), then counted.
  const input = manifestInput();
  const js = buildManifest(input);
  const now = new Date();
  const readOne = () => sessionShare(serializeServer(js, input.config, now));
  const fifty = places(50);
  const many = places(500);
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
    ["read one session's CPU and memory share (serialise; a resume)", readOne],
    ["quota check: read and count 50 places", () => countPlaces(fifty)],
    ["quota check: read and count 500 places", () => countPlaces(many)],
  ];
  const rows: Row[] = [];
  let total = 0;
  for (const [measure, fn] of measures) {
    const t = await time(runs, fn);
    if (!measure.includes("500") && !measure.includes("share")) total += t.p50;
    rows.push({ section, measure, value: `${us(t.p50)} (p99 ${us(t.p99)})`, verdict: "-" });
  }
  rows.push({
    section,
    measure: "per request: validate + names + read and count 50 places, median",
    value: us(total),
    target: "< 1 ms",
    verdict: verdict(total < 1000),
  });
  return rows;
}

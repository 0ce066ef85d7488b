/**
 * Issue 25's acceptance run against `npm start` (serverless offline, the local cluster stepping as
 * it does there): 100 anonymous ids launch at once against the anonymous total (50 by default),
 * then the cluster is counted. Run `NB_QUOTAS__ANONYMOUS_SESSIONS_PER_CLIENT=0 PORT=3400 npm start`
 * (every caller here is 127.0.0.1: the per-address share would be the limit seen), then
 * `PORT=3400 npx tsx test/bench/start-burst.ts`. Prints figures; asserts nothing.
 */
import { performance } from "node:perf_hooks";
import { KubeConfig } from "@kubernetes/client-node/dist/config.js";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node/dist/gen/index.js";
import { ANONYMOUS_SELECTOR } from "../../lib/backends/pod/launch.js";
import { anonHeaders } from "../helpers/users.js";
import { instanceFolder } from "../local/instance.js";
import { percentile } from "./stats.js";

const port = Number(process.env.PORT ?? 3000);
const callers = Number(process.env.BURST ?? 100);
const base = `http://127.0.0.1:${port}/notebooks/servers`;
const body = JSON.stringify({
  namespace: "renku-demo",
  project: "hello-world",
  branch: "master",
  commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
});

async function main() {
  const run = Date.now().toString(36);
  // Warms the create function once (a project that does not exist: 404, nothing written), so the
  // burst measures launches, not serverless offline's first worker start.
  await fetch(base, {
    method: "POST",
    headers: { ...anonHeaders(`anon-warm-${run}`), "content-type": "application/json" },
    body: JSON.stringify({ ...JSON.parse(body), project: "no-such-project" }),
  }).then((r) => r.text());
  const t0 = performance.now();
  const answers = await Promise.all(
    Array.from({ length: callers }, async (_, i) => {
      const res = await fetch(base, {
        method: "POST",
        headers: { ...anonHeaders(`anon-burst-${run}-${i}`), "content-type": "application/json" },
        body,
      });
      const text = await res.text();
      let code: number | undefined;
      try {
        code = (JSON.parse(text) as { error?: { code?: number } }).error?.code;
      } catch {
        code = undefined;
      }
      return { status: res.status, code, ms: performance.now() - t0, text };
    }),
  );
  const by: Record<string, number> = {};
  const sample: Record<string, string> = {};
  for (const a of answers) {
    const key = a.code ? `${a.status} (${a.code})` : String(a.status);
    by[key] = (by[key] ?? 0) + 1;
    sample[key] ??= a.text.slice(0, 160);
  }
  const kc = new KubeConfig();
  kc.loadFromFile(`${instanceFolder(port)}/kubeconfig`);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const count = async (plural: string) =>
    (
      (await custom.listNamespacedCustomObject({
        group: "amalthea.dev",
        version: "v1alpha1",
        namespace: "renku",
        plural,
        labelSelector: ANONYMOUS_SELECTOR,
      })) as { items: unknown[] }
    ).items.length;
  const places = await core.listNamespacedConfigMap({
    namespace: "renku",
    labelSelector: "renku.io/quota-scope=anonymous",
  });
  const times = answers.map((a) => a.ms);
  process.stdout.write(
    `${callers} anonymous POSTs at once to ${base}\n` +
      `answers: ${JSON.stringify(by)}\n` +
      `a body of each: ${JSON.stringify(sample, null, 1)}\n` +
      `p50 ${percentile(times, 50).toFixed(0)} ms, p99 ${percentile(times, 99).toFixed(0)} ms\n` +
      `anonymous sessions in the cluster: ${await count("amaltheasessions")} AmaltheaSessions, ${await count("jupyterservers")} JupyterServers\n` +
      `places in the anonymous total: ${places.items.length}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

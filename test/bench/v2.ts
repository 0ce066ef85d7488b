/**
 * The v2 sessions API warm, as section 2 and 3 measure v1: GET /api/data/sessions against the bare
 * list of the caller's AmaltheaSessions (the only call its answer needs), with 2000 sessions of 200
 * users in the namespace; and POST /api/data/sessions with 50 ms on every renku-data-services and
 * registry call, against its critical path (the launcher, then project, pools, session secrets
 * and data connector links at once); and the same for a launcher whose class has its quota
 * enforced, where the pool's usage depends on the pools' answer (its pool id).
 */
import { KubeConfig } from "@kubernetes/client-node/dist/config.js";
import { CustomObjectsApi } from "@kubernetes/client-node/dist/gen/index.js";
import { main as createEndpoint } from "../../functions/v2/create.js";
import { main as listEndpoint } from "../../functions/v2/list.js";
import { loadConfig } from "../../lib/config/load.js";
import { createLogger } from "../../lib/obs/log.js";
import { buildTestDeps } from "../helpers/deps.js";
import { type EventInput, invoke } from "../helpers/events.js";
import { v2Headers } from "../helpers/v2-users.js";
import type { StandIns } from "./stand-ins.js";
import { median, ms, percentile, ratio, sample } from "./stats.js";
import { type Row, verdict } from "./table.js";

const CR = {
  group: "amalthea.dev",
  version: "v1alpha1",
  namespace: "renku",
  plural: "amaltheasessions",
};
const ALICE = v2Headers("alice");
const LAUNCHER = "01JDV2SES00000000000000001";
/** Its class (4, the metered pool) has quota_enforced: the launch also reads the pool's usage. */
const METERED = "01JDV2SES00000000000000003";
const DELAY_MS = 50;
const SLOW_MS = 250;
const listEvent: EventInput = { path: "/api/data/sessions", headers: ALICE };
const postOf = (launcherId: string): EventInput => ({
  method: "POST",
  path: "/api/data/sessions",
  headers: ALICE,
  body: { launcher_id: launcherId },
});
const postEvent = postOf(LAUNCHER);

type KObject = { metadata: { name: string; labels?: Record<string, string> } } & Record<
  string,
  unknown
>;

export async function v2Warm(standIns: StandIns): Promise<Row[]> {
  const env = {
    ...standIns.env,
    NB_AMALTHEA__BACKEND: "amaltheasession",
    NB_METRICS__ENABLED: "false",
  };
  const deps = buildTestDeps(loadConfig(env), { log: createLogger("silent") });
  const createMain = createEndpoint.with(deps);
  const listMain = listEndpoint.with(deps);
  const kc = new KubeConfig();
  kc.loadFromString(standIns.cluster.kubeconfig());
  const custom = kc.makeApiClient(CustomObjectsApi);
  const first = await invoke(createMain, postEvent);
  if (first.status !== 201 && first.status !== 200)
    throw new Error(
      `POST /api/data/sessions answered ${first.status}: ${first.text.slice(0, 300)}`,
    );
  const name = (first.json as { name: string }).name;
  const template = (await custom.getNamespacedCustomObject({ ...CR, name })) as KObject;

  // 2000 sessions of 200 users; alice has 10.
  const objects: KObject[] = [];
  for (let i = 1; i < 2000; i++) {
    const user = i < 10 ? "sub-alice" : `sub-bench-${i % 199}`;
    const copy = structuredClone(template);
    const meta = copy.metadata as Record<string, unknown>;
    for (const k of ["uid", "resourceVersion", "creationTimestamp", "managedFields"])
      delete meta[k];
    copy.metadata.name = `v2-bench-${i}`;
    copy.metadata.labels = { ...copy.metadata.labels, "renku.io/safe-username": user };
    objects.push(copy);
  }
  standIns.cluster.bulkLoad(objects);

  const selector = "renku.io/safe-username=sub-alice";
  const handler = await sample(300, async () => {
    const r = await invoke(listMain, listEvent);
    if (r.status !== 200) throw new Error(`list answered ${r.status}`);
  });
  const bare = await sample(300, async () => {
    await custom.listNamespacedCustomObject({ ...CR, labelSelector: selector });
  });
  const rows: Row[] = [
    {
      section: "2 GET /servers warm",
      measure:
        "[v2] GET /api/data/sessions handler median (2000 sessions, 200 users, caller has 10)",
      value: ms(median(handler)),
      versus: `bare list of sessions ${ms(median(bare))} = ${ratio(median(handler), median(bare))}`,
      target: "<= 1.3x",
      verdict: verdict(median(handler) / median(bare) <= 1.3),
    },
    {
      section: "2 GET /servers warm",
      measure: "[v2] GET /api/data/sessions handler p99",
      value: ms(percentile(handler, 99)),
      versus: `bare list of sessions ${ms(percentile(bare, 99))} = ${ratio(percentile(handler, 99), percentile(bare, 99))}`,
      target: "<= 1.3x",
      verdict: verdict(percentile(handler, 99) / percentile(bare, 99) <= 1.3),
    },
  ];

  const metered = await invoke(createMain, postOf(METERED));
  if (metered.status !== 201 && metered.status !== 200)
    throw new Error(`metered POST answered ${metered.status}: ${metered.text.slice(0, 300)}`);
  const meteredName = (metered.json as { name: string }).name;
  const launches = async (runs: number, event = postEvent, session = name) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      await custom.deleteNamespacedCustomObject({ ...CR, name: session }).catch(() => undefined);
      const t0 = performance.now();
      const r = await invoke(createMain, event);
      times.push(performance.now() - t0);
      if (r.status !== 201) throw new Error(`POST answered ${r.status}: ${r.text.slice(0, 200)}`);
    }
    return median(times);
  };
  await launches(2); // warm: connections
  await launches(2, postOf(METERED), meteredName);
  const undelayed = await launches(20);
  const meteredUndelayed = await launches(20, postOf(METERED), meteredName);
  const dsBefore = standIns.dataServices.calls.length;
  const registryBefore = standIns.registryProxy.requests();
  await launches(1);
  const dsCalls = standIns.dataServices.calls.length - dsBefore;
  const registryCalls = standIns.registryProxy.requests() - registryBefore;
  standIns.dataServices.setLatency(DELAY_MS);
  standIns.registryProxy.setDelay(DELAY_MS);
  try {
    const delayed = await launches(20);
    const meteredDelayed = await launches(20, postOf(METERED), meteredName);
    // The rounds again from two delays (the slope), which the machine's load moves less.
    standIns.dataServices.setLatency(SLOW_MS);
    standIns.registryProxy.setDelay(SLOW_MS);
    const meteredSlow = await launches(10, postOf(METERED), meteredName);
    const slope = (meteredSlow - meteredDelayed) / (SLOW_MS - DELAY_MS);
    // The launcher, then everything else at once: the data-services reads and the image check
    // (its registry requests one after another; the launcher names the working directory, so no
    // config blob).
    const rounds = 1 + Math.max(1, registryCalls);
    const critical = undelayed + rounds * DELAY_MS;
    rows.push(
      {
        section: "3 POST /servers warm",
        measure: `[v2] POST /api/data/sessions handler median, ${DELAY_MS} ms per data-services and registry call (${dsCalls} data-services, ${registryCalls} registry calls)`,
        value: ms(delayed),
        versus: `critical path ${ms(critical)} (${ms(undelayed)} undelayed + ${rounds} x ${DELAY_MS} ms) = ${ratio(delayed, critical)}`,
        target: "<= 1.3x",
        verdict: verdict(delayed / critical <= 1.3),
      },
      {
        section: "3 POST /servers warm",
        measure: "[v2] delayed rounds run one after another (observed)",
        value: String(Math.round((delayed - undelayed) / DELAY_MS)),
        versus: `minimum ${rounds}`,
      },
      {
        section: "3 POST /servers warm",
        measure: `[v2] POST /api/data/sessions, quota-enforced class (the pool's usage read too), ${DELAY_MS} ms per call`,
        value: ms(meteredDelayed),
        versus: `undelayed ${ms(meteredUndelayed)}`,
      },
      {
        section: "3 POST /servers warm",
        measure: "[v2] delayed rounds of the quota-enforced launch, one after another (observed)",
        value: String(Math.round((meteredDelayed - meteredUndelayed) / DELAY_MS)),
        versus: `minimum ${rounds} (the launcher; then project, pools, usage and the image check at once)`,
      },
      {
        section: "3 POST /servers warm",
        measure: `[v2] the same rounds from ${DELAY_MS} and ${SLOW_MS} ms per call (median ${ms(meteredDelayed)} -> ${ms(meteredSlow)})`,
        value: slope.toFixed(2),
        versus: `minimum ${rounds}`,
      },
    );
  } finally {
    standIns.dataServices.setLatency(0);
    standIns.registryProxy.setDelay(0);
  }
  return rows;
}

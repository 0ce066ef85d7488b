/**
 * Warm handlers in this process (a warm container: dependencies built once), against the stand-ins:
 * GET /servers vs the bare list calls its answer needs (section 2), list/get as the namespace grows
 * (section 4), and POST with 50 ms on every GitLab and registry call (section 3); each for a
 * backend (NB_AMALTHEA__BACKEND), named in the measure.
 */

import { KubeConfig } from "@kubernetes/client-node/dist/config.js";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node/dist/gen/index.js";
import { main as createEndpoint } from "../../functions/servers/create.js";
import { main as getEndpoint } from "../../functions/servers/get.js";
import { main as listEndpoint } from "../../functions/servers/list.js";
import { loadConfig } from "../../lib/config/load.js";
import type { LambdaHandler } from "../../lib/http/handler.js";
import { createLogger } from "../../lib/obs/log.js";
import { buildTestDeps } from "../helpers/deps.js";
import { type EventInput, invoke } from "../helpers/events.js";
import { registeredHeaders } from "../helpers/users.js";
import { launchBody } from "./launch-body.js";
import type { StandIns } from "./stand-ins.js";
import { median, ms, percentile, ratio, sample } from "./stats.js";
import { type Row, verdict } from "./table.js";

const NS = "renku";
export type BackendName = "jupyterserver" | "amaltheasession";
const crOf = (backend: BackendName) => ({
  group: "amalthea.dev",
  version: "v1alpha1",
  namespace: NS,
  plural: backend === "jupyterserver" ? "jupyterservers" : "amaltheasessions",
});
const ALICE = registeredHeaders({ username: "alice" });
const DELAY_MS = 50;

type KObject = { metadata: { name: string; labels?: Record<string, string> } } & Record<
  string,
  unknown
>;

export { launchBody };

export const listEvent: EventInput = { path: "/notebooks/servers", headers: ALICE };
export const getEvent = (name: string): EventInput => ({
  path: `/notebooks/servers/${name}`,
  pathParameters: { server_name: name },
  headers: ALICE,
});
export const postEvent: EventInput = {
  method: "POST",
  path: "/notebooks/servers",
  headers: ALICE,
  body: launchBody,
};

export interface WarmBench {
  backend: BackendName;
  cr: ReturnType<typeof crOf>;
  /** One warm container per endpoint on this backend. */
  createMain: LambdaHandler;
  getMain: LambdaHandler;
  listMain: LambdaHandler;
  /** alice's real session, launched through POST, as the cluster stores it. */
  template: KObject;
  custom: CustomObjectsApi;
  core: CoreV1Api;
  /** JupyterServers in the namespace so far. */
  total: number;
}

export async function setUpWarm(
  standIns: StandIns,
  backend: BackendName = "jupyterserver",
): Promise<WarmBench> {
  // One warm container per endpoint: its dependencies are built once and kept.
  const env = { ...standIns.env, NB_AMALTHEA__BACKEND: backend };
  const deps = buildTestDeps(loadConfig(env), { log: createLogger("silent") });
  const createMain = createEndpoint.with(deps);
  const getMain = getEndpoint.with(deps);
  const listMain = listEndpoint.with(deps);
  const CR = crOf(backend);
  const kc = new KubeConfig();
  kc.loadFromString(standIns.cluster.kubeconfig());
  const custom = kc.makeApiClient(CustomObjectsApi);
  const res = await invoke(createMain, postEvent);
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`POST /servers answered ${res.status}: ${res.text.slice(0, 300)}`);
  }
  const name = (res.json as { name: string }).name;
  // The copies that fill the namespace are taken from it once it runs: a copy frozen while it
  // starts would show a session starting without a pod, for ever, and every list would read why
  // (issue 23), which running sessions never cost.
  await untilRunning(getMain, name);
  const template = (await custom.getNamespacedCustomObject({ ...CR, name })) as KObject;
  const core = kc.makeApiClient(CoreV1Api);
  return { backend, cr: CR, createMain, getMain, listMain, template, custom, core, total: 1 };
}

/** Polls GET /servers/{name} until the session is running (the stand-ins' operator is instant). */
async function untilRunning(getMain: LambdaHandler, name: string): Promise<void> {
  const get = { method: "GET", path: `/notebooks/servers/${name}`, headers: ALICE };
  for (let i = 0; i < 200; i++) {
    const r = await invoke(getMain, { ...get, pathParameters: { server_name: name } });
    const state = (r.json as { status?: { state?: string } } | undefined)?.status?.state;
    if (state === "running") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the bench's session ${name} did not reach running in 10 s`);
}

/** A copy of the template owned by `user`, named uniquely. */
function cloneFor(template: KObject, user: string, name: string): KObject {
  const copy = structuredClone(template);
  const meta = copy.metadata as Record<string, unknown>;
  for (const k of ["uid", "resourceVersion", "creationTimestamp", "managedFields"]) delete meta[k];
  copy.metadata.name = name;
  copy.metadata.labels = { ...copy.metadata.labels, "renku.io/safe-username": user };
  return copy;
}

/** Fills the namespace up to `target` sessions across 200 users (alice ends with 10). */
export function fillTo(standIns: StandIns, bench: WarmBench, target: number): void {
  const objects: KObject[] = [];
  let i = bench.total;
  for (; i < target; i++) {
    const aliceOwns = i < 10;
    const user = aliceOwns ? "alice" : `bench-user-${i % 199}`;
    objects.push(cloneFor(bench.template, user, `bench-${i}-${user}`.slice(0, 50)));
  }
  standIns.cluster.bulkLoad(objects);
  bench.total = i;
}

const timed = (fn: () => Promise<{ status: number }>, expect: number) => async () => {
  const r = await fn();
  if (r.status !== expect) throw new Error(`unexpected status ${r.status}`);
};

const bareName = (bench: WarmBench) =>
  bench.backend === "amaltheasession" ? "bare list of sessions + pods" : "bare list";

export async function listVersusBare(bench: WarmBench, runs: number): Promise<Row[]> {
  const { cr: CR, listMain } = bench;
  const selector = `renku.io/safe-username=${bench.template.metadata.labels?.["renku.io/safe-username"]}`;
  const handlerTimes = await sample(
    runs,
    timed(() => invoke(listMain, listEvent), 200),
  );
  // The calls a bare client needs for the answer: an AmaltheaSession's state is its pod's, so on
  // that backend the sessions and their pods, listed at once (as the handler does).
  const bareTimes = await sample(runs, async () => {
    const sessions = bench.custom.listNamespacedCustomObject({ ...CR, labelSelector: selector });
    const pods =
      bench.backend === "amaltheasession"
        ? bench.core.listNamespacedPod({ namespace: NS, labelSelector: selector })
        : undefined;
    await Promise.all([sessions, pods]);
  });
  const hMed = median(handlerTimes);
  const bMed = median(bareTimes);
  const hP99 = percentile(handlerTimes, 99);
  const bP99 = percentile(bareTimes, 99);
  return [
    {
      section: "2 GET /servers warm",
      measure: `[${bench.backend}] handler median (${bench.total} sessions, 200 users, caller has 10)`,
      value: ms(hMed),
      versus: `${bareName(bench)} ${ms(bMed)} = ${ratio(hMed, bMed)}`,
      target: "<= 1.3x",
      verdict: verdict(hMed / bMed <= 1.3),
    },
    {
      section: "2 GET /servers warm",
      measure: `[${bench.backend}] handler p99`,
      value: ms(hP99),
      versus: `${bareName(bench)} ${ms(bP99)} = ${ratio(hP99, bP99)}`,
      target: "<= 1.3x",
      verdict: verdict(hP99 / bP99 <= 1.3),
    },
  ];
}

export async function listAndGet(bench: WarmBench, runs: number): Promise<Row[]> {
  const { getMain, listMain } = bench;
  const name = bench.template.metadata.name;
  const list = median(
    await sample(
      runs,
      timed(() => invoke(listMain, listEvent), 200),
    ),
  );
  const get = median(
    await sample(
      runs,
      timed(() => invoke(getMain, getEvent(name)), 200),
    ),
  );
  return [
    {
      section: "4 scaling",
      measure: `[${bench.backend}] list / get with ${bench.total} sessions in the namespace (caller has 10)`,
      value: `${ms(list)} / ${ms(get)}`,
    },
  ];
}

export async function postWithDelays(
  standIns: StandIns,
  bench: WarmBench,
  runs: number,
): Promise<Row[]> {
  const { cr: CR, createMain } = bench;
  const launchOnce = async () => {
    const r = await invoke(createMain, postEvent);
    if (r.status !== 201) throw new Error(`POST answered ${r.status}: ${r.text.slice(0, 200)}`);
    await bench.custom.deleteNamespacedCustomObject({
      ...CR,
      name: (r.json as { name: string }).name,
    });
  };
  // Start from an empty slot: the template session has the launch's name.
  await bench.custom.deleteNamespacedCustomObject({ ...CR, name: bench.template.metadata.name });
  const timeLaunches = async () => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = await invoke(createMain, postEvent);
      times.push(performance.now() - t0);
      if (r.status !== 201) throw new Error(`POST answered ${r.status}: ${r.text.slice(0, 200)}`);
      await bench.custom.deleteNamespacedCustomObject({
        ...CR,
        name: (r.json as { name: string }).name,
      });
    }
    return median(times);
  };
  await launchOnce(); // warm: tokens, connections
  const undelayed = await timeLaunches();
  const gitlabBefore = standIns.gitlab.calls.length;
  const registryBefore = standIns.registryProxy.requests();
  await launchOnce();
  const gitlabCalls = standIns.gitlab.calls.length - gitlabBefore;
  const registryCalls = standIns.registryProxy.requests() - registryBefore;
  standIns.gitlab.setLatency(DELAY_MS);
  standIns.registryProxy.setDelay(DELAY_MS);
  try {
    const delayed = await timeLaunches();
    // GitLab: one round, the project, its branch and commit (asked by the project's path) and the
    // caller's profile at once. Registry calls within one image check depend on the previous
    // answer: one round each (the config blob of an image seen before is cached by its digest).
    // The image check starts with the project, so the two chains overlap.
    const rounds = Math.max(gitlabCalls > 0 ? 1 : 0, registryCalls);
    const critical = undelayed + rounds * DELAY_MS;
    const serial = Math.round((delayed - undelayed) / DELAY_MS);
    return [
      {
        section: "3 POST /servers warm",
        measure: `[${bench.backend}] handler median, ${DELAY_MS} ms per GitLab and registry call (${gitlabCalls} GitLab, ${registryCalls} registry calls)`,
        value: ms(delayed),
        versus: `critical path ${ms(critical)} (${ms(undelayed)} undelayed + ${rounds} x ${DELAY_MS} ms) = ${ratio(delayed, critical)}`,
        target: "<= 1.3x",
        verdict: verdict(delayed / critical <= 1.3),
      },
      {
        section: "3 POST /servers warm",
        measure: `[${bench.backend}] delayed rounds run one after another (observed)`,
        value: String(serial),
        versus: `minimum ${rounds}`,
      },
    ];
  } finally {
    standIns.gitlab.setLatency(0);
    standIns.registryProxy.setDelay(0);
  }
}

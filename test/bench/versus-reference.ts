/**
 * Section 7: POST and each warm endpoint against the model of the reference (reference-model.ts),
 * at 0 and at 50 ms per GitLab and registry call. Both sides run here, one after the other, on the
 * same stand-ins; the ratio is ours over the model's (below 1: faster than the reference).
 */
import { main as imagesEndpoint } from "../../functions/images.js";
import { main as serverOptionsEndpoint } from "../../functions/server-options.js";
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
import {
  type ModelCall,
  type Perform,
  REFERENCE_POST,
  REFERENCE_WARM,
  runModel,
} from "./reference-model.js";
import type { StandIns } from "./stand-ins.js";
import { median, ms, ratio } from "./stats.js";
import { type Row, verdict } from "./table.js";
import type { WarmBench } from "./warm.js";

const NS = "renku";
const CR = { group: "amalthea.dev", version: "v1alpha1", namespace: NS, plural: "jupyterservers" };
const ALICE = registeredHeaders({ username: "alice" });
const GITLAB_TOKEN = "glpat-alice-secret";
const IMAGE = { repository: "renku-demo/hello-world", tag: launchBody.commit_sha.slice(0, 7) };
const SECTION = "7 versus the reference model";

interface Endpoint {
  name: string;
  main: LambdaHandler;
  event: EventInput;
  status: number;
  model: readonly ModelCall[];
}

/** Real calls, made by bare clients, for each kind of model call. */
function performer(
  standIns: StandIns,
  bench: WarmBench,
): { perform: Perform; tidy(): Promise<void> } {
  const created: string[] = [];
  const gitlab = async (path: string) => {
    const res = await fetch(`${standIns.gitlab.url}/api/v4${path}`, {
      headers: { authorization: `Bearer ${GITLAB_TOKEN}`, accept: "application/json" },
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`model: GitLab ${path} answered ${res.status}`);
  };
  const project = encodeURIComponent(`${launchBody.namespace}/${launchBody.project}`);
  const manifest = `http://${standIns.registryProxy.host}/v2/${IMAGE.repository}/manifests/${IMAGE.tag}`;
  const user = bench.template.metadata.labels?.["renku.io/safe-username"] ?? "alice";
  let n = 0;
  const perform: Perform = async (call) => {
    switch (call.call) {
      case "get the JupyterServer of that name":
        await bench.custom
          .getNamespacedCustomObject({ ...CR, name: `model-absent-${n}` })
          .catch(() => undefined);
        return;
      case "get the JupyterServer":
        await bench.custom.getNamespacedCustomObject({ ...CR, name: bench.template.metadata.name });
        return;
      case "list the caller's JupyterServers":
        await bench.custom.listNamespacedCustomObject({
          ...CR,
          labelSelector: `renku.io/safe-username=${user}`,
        });
        return;
      case "get the project":
        return gitlab(`/projects/${project}`);
      case "get the branch":
        return gitlab(`/projects/${project}/repository/branches/${launchBody.branch}`);
      case "get the commit":
        return gitlab(`/projects/${project}/repository/commits/${launchBody.commit_sha}`);
      case "token: the anonymous manifest probe and its challenge":
      case "get the manifest": {
        const res = await fetch(manifest, {
          headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" },
        });
        await res.arrayBuffer();
        return;
      }
      case "create the JupyterServer": {
        const name = `model-${Date.now()}-${n++}`;
        // The manifest the reference sends: no status and no operator finalizer, so that the
        // (simulated) operator renders the new session's children as it does for ours.
        const { status: _status, ...copy } = structuredClone(bench.template);
        const meta = copy.metadata as Record<string, unknown>;
        for (const k of [
          "uid",
          "resourceVersion",
          "creationTimestamp",
          "managedFields",
          "finalizers",
        ])
          delete meta[k];
        copy.metadata.name = name;
        await bench.custom.createNamespacedCustomObject({ ...CR, body: copy });
        created.push(name);
        return;
      }
      default:
        throw new Error(`model: no client for "${call.call}"`);
    }
  };
  const tidy = async () => {
    for (const name of created.splice(0)) {
      await bench.custom.deleteNamespacedCustomObject({ ...CR, name });
    }
  };
  return { perform, tidy };
}

export async function versusReference(
  standIns: StandIns,
  bench: WarmBench,
  runs: number,
): Promise<Row[]> {
  const deps = buildTestDeps(loadConfig(standIns.env), { log: createLogger("silent") });
  const name = bench.template.metadata.name;
  const endpoints: Endpoint[] = [
    {
      name: "GET /server_options",
      main: serverOptionsEndpoint.with(deps),
      event: { path: "/notebooks/server_options", headers: ALICE },
      status: 200,
      model: REFERENCE_WARM["GET /server_options"] ?? [],
    },
    {
      name: "GET /servers",
      main: listEndpoint.with(deps),
      event: { path: "/notebooks/servers", headers: ALICE },
      status: 200,
      model: REFERENCE_WARM["GET /servers"] ?? [],
    },
    {
      name: "GET /servers/{name}",
      main: getEndpoint.with(deps),
      event: {
        path: `/notebooks/servers/${name}`,
        pathParameters: { server_name: name },
        headers: ALICE,
      },
      status: 200,
      model: REFERENCE_WARM["GET /servers/{name}"] ?? [],
    },
    {
      name: "GET /images",
      main: imagesEndpoint.with(deps),
      event: {
        path: "/notebooks/images",
        query: { image_url: `${standIns.registryProxy.host}/${IMAGE.repository}:${IMAGE.tag}` },
        headers: ALICE,
      },
      status: 200,
      model: REFERENCE_WARM["GET /images"] ?? [],
    },
  ];
  const createMain = createEndpoint.with(deps);
  const model = performer(standIns, bench);
  const rows: Row[] = [];

  const timeOurs = async (e: Endpoint) => {
    const t0 = performance.now();
    const r = await invoke(e.main, e.event);
    const t = performance.now() - t0;
    if (r.status !== e.status)
      throw new Error(`${e.name} answered ${r.status}: ${r.text.slice(0, 200)}`);
    return t;
  };
  const timePost = async () => {
    const t0 = performance.now();
    const r = await invoke(createMain, {
      method: "POST",
      path: "/notebooks/servers",
      headers: ALICE,
      body: launchBody,
    });
    const t = performance.now() - t0;
    if (r.status !== 201) throw new Error(`POST answered ${r.status}: ${r.text.slice(0, 200)}`);
    await bench.custom.deleteNamespacedCustomObject({
      ...CR,
      name: (r.json as { name: string }).name,
    });
    return t;
  };
  // Alternate ours and the model's run by run, so that the machine's load hits both alike.
  const pair = async (n: number, ours: () => Promise<number>, calls: readonly ModelCall[]) => {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < Math.min(5, n); i++) {
      await ours();
      await runModel(calls, model.perform);
    }
    for (let i = 0; i < n; i++) {
      a.push(await ours());
      b.push(await runModel(calls, model.perform));
      await model.tidy();
    }
    return { ours: median(a), model: median(b) };
  };

  // The launch's slot must be free: the template session holds its name.
  await bench.custom.deleteNamespacedCustomObject({ ...CR, name }).catch(() => undefined);
  const restore = structuredClone(bench.template);
  for (const k of ["uid", "resourceVersion", "creationTimestamp", "managedFields"]) {
    delete (restore.metadata as Record<string, unknown>)[k];
  }
  for (const delay of [0, 50]) {
    standIns.gitlab.setLatency(delay);
    standIns.registryProxy.setDelay(delay);
    try {
      // POST varies more run to run than the GETs (it creates a session): more pairs for a steady median.
      const post = await pair(Math.max(10, Math.round(runs / 2.5)), timePost, REFERENCE_POST);
      const speedup = post.model / post.ours;
      rows.push({
        section: SECTION,
        measure: `POST /servers, ${delay} ms per GitLab and registry call (model: ${REFERENCE_POST.length} calls in a row)`,
        value: ms(post.ours),
        versus: `model ${ms(post.model)} = ${ratio(post.ours, post.model)} (${speedup.toFixed(1)}x faster)`,
        ...(delay === 50 ? { target: ">= 3x faster", verdict: verdict(speedup >= 3) } : {}),
      });
      await bench.custom.createNamespacedCustomObject({ ...CR, body: structuredClone(restore) });
      for (const e of endpoints) {
        const r = await pair(runs, () => timeOurs(e), e.model);
        rows.push({
          section: SECTION,
          measure: `${e.name}, ${delay} ms per GitLab and registry call (model: ${e.model.length} calls)`,
          value: ms(r.ours),
          versus: `model ${ms(r.model)} = ${ratio(r.ours, r.model)}`,
          target: "<= 1.0x",
          verdict: verdict(r.ours <= r.model),
        });
      }
      await bench.custom.deleteNamespacedCustomObject({ ...CR, name });
    } finally {
      standIns.gitlab.setLatency(0);
      standIns.registryProxy.setDelay(0);
    }
  }
  await bench.custom.createNamespacedCustomObject({ ...CR, body: structuredClone(restore) });
  return rows;
}

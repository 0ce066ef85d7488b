/**
 * The whole service in one test process: the local cluster (simulated Amalthea), the GitLab double
 * seeded from test/local/seed.json, and the suite's real registries (global setup, which also
 * pushes the seed's commit images), with the service's dependencies built from NB_* settings
 * pointing at them, as a deployment would be.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { LOCAL_TOKEN, type LocalCluster, startLocalCluster } from "../local/cluster/index.js";
import {
  type CrcDouble,
  provisionQuotaObjects,
  provisionQuotas,
  startCrcDouble,
} from "../local/crc/index.js";
import { type DataServicesDouble, startDataServicesDouble } from "../local/data-services/index.js";
import { type GitLabDouble, gitRemoteOf, startGitLabDouble } from "../local/gitlab/index.js";
import { loadSeed, type Seed } from "../local/seed.js";
import { installTestDeps, type TestDeps, useTestDeps } from "./deps.js";

export interface SessionStack extends TestDeps {
  cluster: LocalCluster;
  gitlab: GitLabDouble;
  /** The resource-pool double (NB_CRC_URL), when asked for with `crc: true`. */
  crc: CrcDouble | undefined;
  /** The renku-data-services double (v2 launches), seeded from the seed's data_services. */
  dataServices: DataServicesDouble;
  seed: Seed;
  /** The registry that plays the GitLab registry (NB_GIT__REGISTRY): open, seeded with commit images. */
  registryHost: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  timing?: "instant" | "manual" | { stepMs: number };
  env?: Record<string, string>;
  /** Scales the simulated seconds: grace periods, a slow autosave (startLocalCluster's graceScale). */
  graceScale?: number;
  /** Also start the resource-pool double (test/local/crc) and point NB_CRC_URL at it. */
  crc?: boolean;
  /**
   * Provision the data-services double's pool quotas (PriorityClasses, ResourceQuotas) in the
   * cluster, as renku-data-services does; false for a cluster that must lack them.
   */
  dataServicesQuotas?: boolean;
}

export async function startSessionStack(opts: StackOptions = {}): Promise<SessionStack> {
  const registries = inject("registries");
  const seed = loadSeed();
  const [cluster, gitlab, crc] = await Promise.all([
    startLocalCluster({
      timing: opts.timing ?? "instant",
      ...(opts.graceScale !== undefined ? { graceScale: opts.graceScale } : {}),
    }),
    startGitLabDouble({ seed }),
    opts.crc ? startCrcDouble() : undefined,
  ]);
  // The pools' PriorityClasses and quotas, as renku-data-services provisions them.
  if (crc) await provisionQuotas(cluster.url, "renku", crc.pools);
  // Sessions push their autosaves to, and restore them from, the GitLab double.
  cluster.connectGitRemote(gitRemoteOf(gitlab.state, gitlab.url));
  const dataServices = await startDataServicesDouble({
    seed,
    gitlabUrl: gitlab.url,
    registryHost: registries.open.host,
  });
  if (opts.dataServicesQuotas !== false)
    await provisionQuotaObjects(cluster.url, "renku", dataServices.quotas());
  const dir = await mkdtemp(join(tmpdir(), "nb-stack-"));
  const kubeconfig = join(dir, "kubeconfig");
  await cluster.writeKubeconfig(kubeconfig);
  const hosts = [registries.open.host, registries.basic.host, registries.token.host];
  const env: Record<string, string> = {
    NB_ANONYMOUS_SESSIONS_ENABLED: "true",
    NB_K8S__KUBECONFIG: kubeconfig,
    NB_K8S__NAMESPACE: "renku",
    NB_GIT__URL: gitlab.url,
    NB_GIT__REGISTRY: registries.open.host,
    NB_REGISTRY__ALLOWED_HOSTS: JSON.stringify(hosts),
    NB_REGISTRY__PLAIN_HTTP_HOSTS: JSON.stringify(hosts),
    NB_SESSIONS__DEFAULT_IMAGE: `${registries.open.host}/renku/singleuser:latest`,
    ...(crc ? { NB_CRC_URL: crc.url } : {}),
    NB_DATA_SERVICES__URL: dataServices.url,
    ...opts.env,
  };
  if (env.NB_AMALTHEA__BACKEND && env.NB_AMALTHEA__BACKEND !== "jupyterserver") {
    await warmAmaltheaSessionSchema(cluster);
  }
  const testDeps = useTestDeps(env);
  return {
    ...testDeps,
    cluster,
    gitlab,
    crc,
    dataServices,
    seed,
    registryHost: registries.open.host,
    env,
    stop: async () => {
      installTestDeps(undefined);
      await Promise.all([cluster.stop(), gitlab.stop(), crc?.stop()]);
      await Promise.all([cluster.stop(), gitlab.stop(), dataServices.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The local API server compiles the AmaltheaSession schema on its first write of one (2 to 4 s on
 * a busy machine; a real one does it when the CRD is installed). Done here, with no client
 * timeout, so that the service's upstream timeout bounds the service's calls alone.
 */
export async function warmAmaltheaSessionSchema(cluster: LocalCluster): Promise<void> {
  const res = await fetch(
    `${cluster.url}/apis/amalthea.dev/v1alpha1/namespaces/renku/amaltheasessions`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${LOCAL_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        apiVersion: "amalthea.dev/v1alpha1",
        kind: "AmaltheaSession",
        metadata: { name: "schema-warm-up" },
        spec: { hibernated: "not a boolean" },
      }),
    },
  );
  if (res.status !== 422) throw new Error(`schema warm-up: expected 422, got ${res.status}`);
}

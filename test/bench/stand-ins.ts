/**
 * The local stand-ins the benchmarks run against: the local cluster (instant Amalthea), the GitLab
 * double seeded from test/local/seed.json, and a real docker-registry behind a delaying proxy that
 * plays the GitLab registry. `env` is the NB_* configuration pointing at all of them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node/dist/config.js";
import { CustomObjectsApi } from "@kubernetes/client-node/dist/gen/index.js";
import { type LocalCluster, startLocalCluster, type Timing } from "../local/cluster/index.js";
import { provisionQuotaObjects } from "../local/crc/index.js";
import { type DataServicesDouble, startDataServicesDouble } from "../local/data-services/index.js";
import { type GitLabDouble, startGitLabDouble } from "../local/gitlab/index.js";
import {
  pushSeedImages,
  type RegistryProxy,
  startRegistry,
  startRegistryProxy,
} from "../local/registry/index.js";
import { loadSeed } from "../local/seed.js";

export interface StandIns {
  cluster: LocalCluster;
  gitlab: GitLabDouble;
  /** The renku-data-services double (v2 launches). */
  dataServices: DataServicesDouble;
  /** In front of the registry; NB_GIT__REGISTRY points here. */
  registryProxy: RegistryProxy;
  kubeconfigPath: string;
  /** Asynchronous invocations (the autosave clean-up on launch) the Lambda stand-in accepted. */
  invocations(): number;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startStandIns(opts: { timing?: Timing } = {}): Promise<StandIns> {
  const seed = loadSeed();
  const [cluster, gitlab, registry] = await Promise.all([
    startLocalCluster({ timing: opts.timing ?? "instant" }),
    startGitLabDouble({ seed }),
    startRegistry({ kind: "open" }),
  ]);
  await pushSeedImages(registry.url, seed.images ?? []);
  const registryProxy = await startRegistryProxy({ target: registry.url });
  const dataServices = await startDataServicesDouble({
    seed,
    gitlabUrl: gitlab.url,
    registryHost: registryProxy.host,
  });
  await provisionQuotaObjects(cluster.url, "renku", dataServices.quotas());
  // Lambda's Invoke API as deployed stages use it: the launch hands off its autosave clean-up and
  // Lambda answers 202 at once; the job runs elsewhere, so here it is only counted.
  let invocations = 0;
  const lambda = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      invocations++;
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => lambda.listen(0, "127.0.0.1", r));
  const lambdaPort = (lambda.address() as AddressInfo).port;
  const dir = await mkdtemp(join(tmpdir(), "nb-bench-"));
  const kubeconfigPath = join(dir, "kubeconfig");
  await cluster.writeKubeconfig(kubeconfigPath);
  const hosts = JSON.stringify([registryProxy.host, registry.host]);
  const env: Record<string, string> = {
    NB_LOG_LEVEL: "silent",
    NB_ANONYMOUS_SESSIONS_ENABLED: "true",
    NB_K8S__KUBECONFIG: kubeconfigPath,
    NB_K8S__NAMESPACE: "renku",
    NB_GIT__URL: gitlab.url,
    NB_GIT__REGISTRY: registryProxy.host,
    // The scheduled clean-up acts as the seed's service account.
    NB_GIT__SERVICE_TOKEN: "glpat-service-secret",
    NB_REGISTRY__ALLOWED_HOSTS: hosts,
    NB_REGISTRY__PLAIN_HTTP_HOSTS: hosts,
    NB_SESSIONS__DEFAULT_IMAGE: `${registryProxy.host}/renku/singleuser:latest`,
    NB_STAGE: "local",
    NB_SESSIONS__INGRESS__HOST: "sessions.localhost",
    NB_UPSTREAM_TIMEOUT_MS: "10000",
    NB_DATA_SERVICES__URL: dataServices.url,
    NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET: "bench-git-proxy-secret",
    // alice owns 10 of the filled sessions; the POST bench measures the launch (quota check
    // included), not a refusal.
    NB_QUOTAS__SESSIONS_PER_USER: "1000",
    NB_AUTOSAVE__ON_LAUNCH_FUNCTION: "renku-notebooks-bench-autosaveCleanup",
    NB_AUTOSAVE__LAMBDA_ENDPOINT: `http://127.0.0.1:${lambdaPort}`,
    // Cold starts and memory keep measuring the JupyterServer backend; the warm sections run both.
    NB_AMALTHEA__BACKEND: "jupyterserver",
  };
  return {
    cluster,
    gitlab,
    dataServices,
    registryProxy,
    kubeconfigPath,
    invocations: () => invocations,
    env,
    stop: async () => {
      await Promise.allSettled([
        cluster.stop(),
        gitlab.stop(),
        dataServices.stop(),
        registryProxy.stop(),
        registry.stop(),
        new Promise((r) => lambda.close(r)),
      ]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Deletes every JupyterServer of `user` (the bench's backend), as a client of the cluster would. */
export async function clearSessions(standIns: StandIns, user: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromString(standIns.cluster.kubeconfig());
  const custom = kc.makeApiClient(CustomObjectsApi);
  const cr = {
    group: "amalthea.dev",
    version: "v1alpha1",
    namespace: "renku",
    plural: "jupyterservers",
  };
  const list = (await custom.listNamespacedCustomObject({
    ...cr,
    labelSelector: `renku.io/safe-username=${user}`,
  })) as { items: { metadata: { name: string } }[] };
  for (const item of list.items) {
    await custom.deleteNamespacedCustomObject({ ...cr, name: item.metadata.name });
  }
}

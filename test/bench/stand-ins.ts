/**
 * The local stand-ins the benchmarks run against: the local cluster (instant Amalthea), the GitLab
 * double seeded from test/local/seed.json, and a real docker-registry behind a delaying proxy that
 * plays the GitLab registry. `env` is the NB_* configuration pointing at all of them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalCluster, startLocalCluster } from "../local/cluster/index.js";
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
  /** In front of the registry; NB_GIT__REGISTRY points here. */
  registryProxy: RegistryProxy;
  kubeconfigPath: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startStandIns(): Promise<StandIns> {
  const seed = loadSeed();
  const [cluster, gitlab, registry] = await Promise.all([
    startLocalCluster({ timing: "instant" }),
    startGitLabDouble({ seed }),
    startRegistry({ kind: "open" }),
  ]);
  await pushSeedImages(registry.url, seed.images ?? []);
  const registryProxy = await startRegistryProxy({ target: registry.url });
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
    NB_SESSIONS__INGRESS__HOST: "sessions.localhost",
    NB_UPSTREAM_TIMEOUT_MS: "10000",
    // Cold starts and memory keep measuring the JupyterServer backend; the warm sections run both.
    NB_AMALTHEA__BACKEND: "jupyterserver",
  };
  return {
    cluster,
    gitlab,
    registryProxy,
    kubeconfigPath,
    env,
    stop: async () => {
      await Promise.allSettled([
        cluster.stop(),
        gitlab.stop(),
        registryProxy.stop(),
        registry.stop(),
      ]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

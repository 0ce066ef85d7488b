/**
 * The whole service in one test process: the local cluster (simulated Amalthea), the GitLab double
 * seeded from test/local/seed.json, and the suite's real registries (global setup), with the
 * service's dependencies built from NB_* settings pointing at them, as a deployment would be.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { type LocalCluster, startLocalCluster } from "../local/cluster/index.js";
import { type DataServicesDouble, startDataServicesDouble } from "../local/data-services/index.js";
import { type GitLabDouble, gitRemoteOf, startGitLabDouble } from "../local/gitlab/index.js";
import { pushSeedImages } from "../local/registry/index.js";
import { loadSeed, type Seed } from "../local/seed.js";
import { installTestDeps, type TestDeps, useTestDeps } from "./deps.js";

export interface SessionStack extends TestDeps {
  cluster: LocalCluster;
  gitlab: GitLabDouble;
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
  /** Scales the git proxy's grace period of a held stop (startLocalCluster's graceScale). */
  graceScale?: number;
}

export async function startSessionStack(opts: StackOptions = {}): Promise<SessionStack> {
  const registries = inject("registries");
  const seed = loadSeed();
  const [cluster, gitlab] = await Promise.all([
    startLocalCluster({
      timing: opts.timing ?? "instant",
      ...(opts.graceScale !== undefined ? { graceScale: opts.graceScale } : {}),
    }),
    startGitLabDouble({ seed }),
  ]);
  // Sessions push their autosaves to, and restore them from, the GitLab double.
  cluster.connectGitRemote(gitRemoteOf(gitlab.state, gitlab.url));
  const dataServices = await startDataServicesDouble({
    seed,
    gitlabUrl: gitlab.url,
    registryHost: registries.open.host,
  });
  const dir = await mkdtemp(join(tmpdir(), "nb-stack-"));
  const kubeconfig = join(dir, "kubeconfig");
  await cluster.writeKubeconfig(kubeconfig);
  // Content-addressed pushes: harmless when several test files seed the same registry.
  await pushSeedImages(registries.open.url, seed.images ?? []);
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
    NB_UPSTREAM_TIMEOUT_MS: "5000",
    NB_DATA_SERVICES__URL: dataServices.url,
    ...opts.env,
  };
  const testDeps = useTestDeps(env);
  return {
    ...testDeps,
    cluster,
    gitlab,
    dataServices,
    seed,
    registryHost: registries.open.host,
    env,
    stop: async () => {
      installTestDeps(undefined);
      await Promise.all([cluster.stop(), gitlab.stop(), dataServices.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every AmaltheaSession the service builds, created in the local cluster, which validates it
 * against the real CRD (Amalthea 0.31.0): registered and anonymous callers, private images,
 * variables, GPUs, quotas, node affinities, TLS, a storage class, each CPU-limit mode. Then what
 * the simulated operator renders from one: the pod's containers in order.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAmaltheaSession } from "../../../lib/backends/amaltheasession/manifest.js";
import type { AmaltheaSession } from "../../../lib/backends/amaltheasession/types.js";
import type { LaunchInput } from "../../../lib/backends/pod/launch.js";
import { AMALTHEA_SESSIONS } from "../../../lib/backends/select.js";
import { loadConfig } from "../../../lib/config/load.js";
import { clusterAccess } from "../../../lib/k8s/cluster.js";
import { createNamespaceClient } from "../../../lib/k8s/namespace-client.js";
import { createLogger } from "../../../lib/obs/log.js";
import { warmAmaltheaSessionSchema } from "../../helpers/stack.js";
import { type LocalCluster, startLocalCluster } from "../../local/cluster/index.js";
import { anonymous, manifestInput, registered, resources } from "../../unit/sessions/fixtures.js";

let cluster: LocalCluster;
let kubeconfig: string;
const log = createLogger("silent");

const repoFor = (env: Record<string, string>) => {
  const config = loadConfig({
    NB_STAGE: "local",
    NB_SESSIONS__INGRESS__HOST: "renku.example.org",
    NB_K8S__KUBECONFIG: kubeconfig,
    NB_K8S__NAMESPACE: "renku",
    ...env,
  });
  const repo = createNamespaceClient<AmaltheaSession>({
    access: clusterAccess(config.k8s),
    config,
    log,
    resource: AMALTHEA_SESSIONS,
  });
  return { config, repo };
};

beforeAll(async () => {
  cluster = await startLocalCluster({ timing: "manual" });
  kubeconfig = join(mkdtempSync(join(tmpdir(), "nb-ams-")), "kubeconfig");
  await cluster.writeKubeconfig(kubeconfig);
  // The schema compiles on the first AmaltheaSession write: not inside the first case's timeout.
  await warmAmaltheaSessionSchema(cluster);
});
afterAll(async () => {
  await cluster?.stop();
});

type Case = [title: string, env: Record<string, string>, over: Partial<LaunchInput>];
const CASES: Case[] = [
  ["a registered caller, public image", {}, {}],
  ["an anonymous caller", {}, { user: anonymous, gitlabUser: undefined }],
  [
    "a private image, variables, a GPU class with a quota and node affinities",
    { NB_SESSIONS__ENFORCE_CPU_LIMITS: "strict" },
    {
      image: {
        image: "registry.example.org/g/p:1",
        private: true,
        workdir: "/home/jovyan/",
        usedDefault: false,
      },
      request: {
        namespace: "group",
        project: "my-project",
        branch: "master",
        commitSha: "0123456789abcdef0123456789abcdef01234567",
        requestedImage: "registry.example.org/g/p:1",
        environmentVariables: { MY_VAR: "1", OTHER: "two words" },
      },
      resources: {
        ...resources,
        cpu: 1.5,
        gpu: 1,
        priorityClass: "quota-1",
        resourceClassId: 4,
        idleThreshold: 600,
        hibernationThreshold: 3600,
        tolerations: ["renku.io/gpu"],
        nodeAffinities: [{ key: "gpu", required_during_scheduling: true }],
      },
    },
  ],
  [
    "TLS, ingress annotations, a storage class, lax CPU limits, CA secrets",
    {
      NB_SESSIONS__INGRESS__TLS_SECRET: "renku-tls",
      NB_SESSIONS__INGRESS__ANNOTATIONS: '{"nginx.ingress.kubernetes.io/proxy-body-size":"0"}',
      NB_SESSIONS__STORAGE__PVS_STORAGE_CLASS: "fast",
      NB_SESSIONS__ENFORCE_CPU_LIMITS: "lax",
      NB_SESSIONS__CA_CERTS__SECRETS: '[{"secret":"renku-ca"}]',
      NB_SESSIONS__CULLING__REGISTERED__MAX_AGE_SECONDS: "86400",
    },
    {},
  ],
];

describe("every AmaltheaSession the service builds", () => {
  it.each(CASES)("is accepted by the CRD: %s", async (title, env, over) => {
    const { config, repo } = repoFor(env);
    const name = `ams-${CASES.findIndex((c) => c[0] === title)}-${Date.now() % 100000}`;
    const { session, secrets } = buildAmaltheaSession(
      manifestInput({ config, name, ...over }),
      "launch-1",
    );
    for (const s of secrets) await repo.createSecret(s);
    const result = await repo.create(session);
    expect(result.created).toBe(true);
    const stored = result.created ? result.server : undefined;
    // Pruning would have dropped what the schema does not know: nothing was dropped.
    expect(stored?.spec.session).toMatchObject(session.spec.session);
    expect(stored?.spec.extraContainers?.map((c) => c.name)).toEqual(
      session.spec.extraContainers?.map((c) => c.name),
    );
  });

  it("maps the launch onto the CRD's fields", () => {
    const { config } = repoFor({ NB_SESSIONS__INGRESS__TLS_SECRET: "renku-tls" });
    const { session: s, secrets } = buildAmaltheaSession(
      manifestInput({ config, name: "m-1", image: { ...manifestInput().image, private: true } }),
      "launch-1",
    );
    expect(s.spec.session).toMatchObject({
      // The session router (D22) is the registered session's port; Jupyter stays on 8888.
      port: 8000,
      readinessProbe: { type: "http" },
      urlPath: "/sessions/m-1",
      workingDir: "/home/jovyan/work/my-project",
      storage: { size: "1000000000", mountPath: "/home/jovyan/work" },
      resources: { requests: { cpu: "0.5", memory: "1000000000" } },
    });
    expect(s.spec.ingress).toMatchObject({
      host: "renku.example.org",
      pathPrefix: "/sessions/m-1",
      tlsSecret: { name: "renku-tls", adopt: false },
    });
    expect(s.spec.authentication).toMatchObject({
      type: "oauth2proxy",
      secretRef: { name: "m-1", key: "auth", adopt: true },
    });
    expect(s.spec.culling).toEqual({
      maxAge: "0s",
      maxIdleDuration: "86400s",
      maxStartingDuration: "0s",
      maxFailedDuration: "86400s",
      maxHibernatedDuration: "259200s",
    });
    expect(s.spec.imagePullSecrets).toEqual([{ name: "m-1-image-secret", adopt: true }]);
    expect(s.spec.initContainers?.map((c) => c.name)).toEqual([
      "init-certificates",
      "download-image",
      "git-clone",
    ]);
    expect(s.spec.extraContainers?.map((c) => c.name)).toEqual([
      "git-proxy",
      "git-sidecar",
      "session-router",
    ]);
    // The router sends the sidecar's path to it and the rest to Jupyter, skipping the login the
    // operator's oauth2-proxy in front has done; that one lets the sidecar's health through (D22).
    expect(s.spec.extraContainers?.find((c) => c.name === "session-router")?.args).toEqual([
      "--http-address=:8000",
      "--upstream=http://127.0.0.1:8888",
      "--upstream=http://127.0.0.1:4000/sessions/m-1/sidecar/",
      "--skip-auth-route=^/",
      "--silence-ping-logging",
      "--config=/etc/session-router/router",
    ]);
    const auth = secrets[0]?.stringData?.auth ?? "";
    expect(auth).toContain(
      'skip_auth_routes = ["^/sessions/m-1/sidecar/health$","^/sessions/m-1/sidecar/health/$","^/sessions/m-1/sidecar/jsonrpc/map$"]',
    );
    expect(s.metadata.labels["renku.io/safe-username"]).toBe(registered.safeUsername);
    expect(s.spec.template?.metadata?.labels?.["renku.io/safe-username"]).toBe(
      registered.safeUsername,
    );
    expect(secrets.map((x) => x.metadata.name)).toEqual(["m-1", "m-1-image-secret"]);
    expect(secrets[0]?.stringData?.auth).toContain('client_id = "renku-jupyterserver"');
  });

  it("renders a pod with the operator's containers, then ours, in order", async () => {
    const { config, repo } = repoFor({});
    const name = "ams-rendered";
    const { session, secrets } = buildAmaltheaSession(manifestInput({ config, name }), "l");
    for (const s of secrets) await repo.createSecret(s);
    await repo.create(session);
    await cluster.amalthea.settle();
    const pod = await repo.getPod(`${name}-0`);
    expect(pod?.spec?.initContainers?.map((c) => c.name)).toEqual([
      "init-certificates",
      "download-image",
      "git-clone",
    ]);
    expect(pod?.spec?.containers?.map((c) => c.name)).toEqual([
      "amalthea-session",
      "oauth2-proxy",
      "authproxy",
      "git-proxy",
      "git-sidecar",
      "session-router",
    ]);
    expect((await repo.get(name))?.status?.state).toBe("Running");
  });
});

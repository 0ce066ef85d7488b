/**
 * The suites that run once per backend (NB_AMALTHEA__BACKEND): what differs between them as a
 * caller or the cluster sees it. Everything else the tests assert is the same for both.
 */
import type { V1Container } from "@kubernetes/client-node/dist/gen/index.js";
import type { Deps } from "../../lib/adapters/deps.js";
import type { AmaltheaSession } from "../../lib/backends/amaltheasession/types.js";
import type { JupyterServer } from "../../lib/backends/jupyterserver/types.js";
import { AMALTHEA_SESSIONS } from "../../lib/backends/select.js";
import type { KubeObject, NamespaceClient } from "../../lib/k8s/namespace-client.js";

export const BACKENDS = ["jupyterserver", "amaltheasession"] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendKit {
  name: BackendName;
  env: Record<string, string>;
  /** The custom resource's plural, as the cluster's request log names it. */
  plural: string;
  /**
   * The API server proxy that hibernation asks the git sidecar through: the session's rpc-server
   * Service, or (Amalthea creates no such Service) the pod.
   */
  sidecarProxy: "services" | "pods";
  /** The container that runs Jupyter, as GET /logs keys it. */
  sessionContainer: string;
  /**
   * How long a failed preStop autosave holds a registered session's stop: the git proxy's 600 s,
   * cut by the pod's terminationGracePeriodSeconds (600 s for JupyterServers; AmaltheaSessions
   * cannot set it, so the kubelet's 30 s default).
   */
  stopHoldSeconds: number;
  /** Every container GET /logs reads for a running session. */
  logContainers(kind: "registered" | "anonymous"): string[];
  /** The cluster client for the session's custom resource (list, get, delete as stored). */
  repository(deps: Deps): NamespaceClient<StoredResource>;
  /** A merge patch of the session's resource, as a user's tools or the operator would write. */
  patchMerge(deps: Deps, name: string, body: Record<string, unknown>): Promise<unknown>;
  /** The stored resource: is it asked to hibernate, and the env each of its containers gets. */
  stored(deps: Deps, name: string): Promise<StoredSession | undefined>;
}

/** What both custom resources store alike. */
export type StoredResource = KubeObject & {
  metadata: { deletionTimestamp?: string; annotations?: Record<string, string | null> };
};

export interface StoredSession {
  /** The resource's metadata and spec, as stored. */
  raw: { metadata: unknown; spec: unknown };
  hibernated: boolean;
  labels: Record<string, string | null>;
  annotations: Record<string, string | null>;
  /** The env of a container the service added (from the StatefulSet or the resource's spec). */
  env(container: string): Promise<Record<string, string | undefined>>;
}

type EnvContainer = Pick<V1Container, "name"> & { env?: { name: string; value?: string }[] };
const envOf = (containers: EnvContainer[], name: string) =>
  Object.fromEntries(
    (containers.find((c) => c.name === name)?.env ?? []).map((e) => [e.name, e.value]),
  );

const INIT = ["init-certificates", "download-image", "git-clone"];

export const amaltheaSessions = (deps: Deps) =>
  deps.k8s.forResource<AmaltheaSession>(AMALTHEA_SESSIONS);

export const KITS: Record<BackendName, BackendKit> = {
  jupyterserver: {
    name: "jupyterserver",
    env: { NB_AMALTHEA__BACKEND: "jupyterserver" },
    plural: "jupyterservers",
    sessionContainer: "jupyter-server",
    sidecarProxy: "services",
    stopHoldSeconds: 600,
    repository: (deps) => deps.k8s,
    patchMerge: (deps, name, body) => deps.k8s.patchMerge(name, body),
    logContainers: (kind) =>
      kind === "registered"
        ? [...INIT, "jupyter-server", "oauth2-proxy", "git-proxy", "git-sidecar"]
        : [...INIT, "jupyter-server", "passthrough-proxy", "git-proxy"],
    async stored(deps, name) {
      const js = (await deps.k8s.get(name)) as JupyterServer | undefined;
      if (!js) return undefined;
      return {
        raw: { metadata: js.metadata, spec: js.spec },
        hibernated: js.spec.jupyterServer.hibernated === true,
        labels: js.metadata.labels,
        annotations: js.metadata.annotations,
        async env(container) {
          const sts = await deps.k8s.getStatefulSet(name);
          const spec = sts?.spec?.template.spec;
          return envOf([...(spec?.containers ?? []), ...(spec?.initContainers ?? [])], container);
        },
      };
    },
  },
  amaltheasession: {
    name: "amaltheasession",
    env: { NB_AMALTHEA__BACKEND: "amaltheasession" },
    plural: "amaltheasessions",
    sessionContainer: "amalthea-session",
    sidecarProxy: "pods",
    stopHoldSeconds: 30,
    repository: (deps) => amaltheaSessions(deps),
    patchMerge: (deps, name, body) => amaltheaSessions(deps).patchMerge(name, body),
    logContainers: (kind) =>
      kind === "registered"
        ? [
            ...INIT,
            "amalthea-session",
            "oauth2-proxy",
            "authproxy",
            "git-proxy",
            "git-sidecar",
            "session-router",
          ]
        : [...INIT, "amalthea-session", "authproxy", "git-proxy"],
    async stored(deps, name) {
      const ams = await amaltheaSessions(deps).get(name);
      if (!ams) return undefined;
      return {
        raw: { metadata: ams.metadata, spec: ams.spec },
        hibernated: ams.spec.hibernated,
        labels: ams.metadata.labels,
        annotations: ams.metadata.annotations,
        env: async (container) =>
          envOf(
            [...(ams.spec.initContainers ?? []), ...(ams.spec.extraContainers ?? [])],
            container,
          ),
      };
    },
  },
};

/** `describe.each` over both backends. */
export const EACH_BACKEND = BACKENDS.map((b) => KITS[b]);

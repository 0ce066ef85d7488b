/** The resource types the local cluster serves, with their discovery facts. */
import type { ResourceDef } from "./types.js";

const core = (
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceDef> = {},
): ResourceDef => ({
  group: "",
  version: "v1",
  resource,
  kind,
  singular: kind.toLowerCase(),
  namespaced,
  custom: false,
  hasSpec: false,
  ...extra,
});

export const RESOURCES: ResourceDef[] = [
  core("namespaces", "Namespace", false, { shortNames: ["ns"], hasSpec: true }),
  core("pods", "Pod", true, { shortNames: ["po"], hasSpec: true, subresources: ["log"] }),
  core("secrets", "Secret", true),
  core("configmaps", "ConfigMap", true, { shortNames: ["cm"] }),
  core("services", "Service", true, { shortNames: ["svc"], hasSpec: true }),
  core("persistentvolumeclaims", "PersistentVolumeClaim", true, {
    shortNames: ["pvc"],
    hasSpec: true,
  }),
  core("events", "Event", true, { shortNames: ["ev"] }),
  core("resourcequotas", "ResourceQuota", true, {
    shortNames: ["quota"],
    hasSpec: true,
    subresources: ["status"],
  }),
  {
    group: "scheduling.k8s.io",
    version: "v1",
    resource: "priorityclasses",
    kind: "PriorityClass",
    singular: "priorityclass",
    namespaced: false,
    shortNames: ["pc"],
    custom: false,
    hasSpec: false,
  },
  {
    group: "apps",
    version: "v1",
    resource: "statefulsets",
    kind: "StatefulSet",
    singular: "statefulset",
    namespaced: true,
    shortNames: ["sts"],
    custom: false,
    hasSpec: true,
    subresources: ["scale", "status"],
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    resource: "ingresses",
    kind: "Ingress",
    singular: "ingress",
    namespaced: true,
    shortNames: ["ing"],
    custom: false,
    hasSpec: true,
  },
  {
    group: "amalthea.dev",
    version: "v1alpha1",
    resource: "jupyterservers",
    kind: "JupyterServer",
    singular: "jupyterserver",
    namespaced: true,
    shortNames: ["js"],
    custom: true,
    hasSpec: true,
  },
  {
    group: "amalthea.dev",
    version: "v1alpha1",
    resource: "amaltheasessions",
    kind: "AmaltheaSession",
    singular: "amaltheasession",
    namespaced: true,
    shortNames: ["ams", "amss"],
    custom: true,
    hasSpec: true,
    subresources: ["status"],
  },
];

export const AMALTHEA_SESSIONS = RESOURCES.find(
  (r) => r.resource === "amaltheasessions",
) as ResourceDef;

export const JUPYTER_SERVERS = RESOURCES.find(
  (r) => r.resource === "jupyterservers",
) as ResourceDef;

export function findResource(
  group: string,
  version: string,
  resource: string,
): ResourceDef | undefined {
  return RESOURCES.find(
    (r) => r.group === group && r.version === version && r.resource === resource,
  );
}

export function resourceByKind(apiVersion: string, kind: string): ResourceDef | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind);
}

export function apiVersionOf(def: ResourceDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** "jupyterservers.amalthea.dev" or "pods": how kube-apiserver names a resource in messages. */
export function qualifiedName(def: ResourceDef): string {
  return def.group ? `${def.resource}.${def.group}` : def.resource;
}

/** Discovery documents (legacy, unaggregated) so that kubectl and client-node can find the resources. */
import { apiVersionOf, RESOURCES } from "./resources.js";
import type { ResourceDef } from "./types.js";

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update"];

export function version(): object {
  return {
    major: "1",
    minor: "32",
    gitVersion: "v1.32.0-renku-local",
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.23.0",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

export function coreVersions(serverAddress: string): object {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groups(): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of RESOURCES) if (r.group) out.set(r.group, r.version);
  return out;
}

function groupDoc(name: string, version: string): object {
  const gv = { groupVersion: `${name}/${version}`, version };
  return { name, versions: [gv], preferredVersion: gv };
}

export function groupList(): object {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groups()].map(([n, v]) => groupDoc(n, v)),
  };
}

export function group(name: string): object | undefined {
  const v = groups().get(name);
  return v ? { kind: "APIGroup", apiVersion: "v1", ...groupDoc(name, v) } : undefined;
}

function resourceEntry(r: ResourceDef): object[] {
  const main: Record<string, unknown> = {
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs:
      r.resource === "events" || r.resource === "namespaces"
        ? VERBS.filter((v) => v !== "deletecollection" || r.resource === "events")
        : VERBS,
  };
  if (r.shortNames) main.shortNames = r.shortNames;
  if (r.custom) main.categories = ["all"];
  const subs = (r.subresources ?? []).map((s) => ({
    name: `${r.resource}/${s}`,
    singularName: "",
    namespaced: r.namespaced,
    kind: s === "scale" ? "Scale" : r.kind,
    verbs: s === "log" ? ["get"] : ["get", "patch", "update"],
  }));
  return [main, ...subs];
}

export function resourceList(groupName: string, version: string): object | undefined {
  const rs = RESOURCES.filter((r) => r.group === groupName && r.version === version);
  if (!rs.length) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf(rs[0] as ResourceDef),
    resources: rs.flatMap(resourceEntry),
  };
}

const gvKey = (group: string, version: string) =>
  group ? `apis/${group}/${version}` : `api/${version}`;

/** /openapi/v3: the group-versions whose documents can be fetched. */
export function openapiV3Root(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const r of RESOURCES) {
    const key = gvKey(r.group, r.version);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=local` };
  }
  return { paths };
}

/**
 * A minimal OpenAPI v3 document per group-version. It declares the `fieldValidation` parameter
 * on each kind's PATCH, which is how kubectl decides that the server validates (so it does not
 * need the full schemas for client-side validation). Schemas themselves are not published.
 */
export function openapiV3GroupVersion(path: string): object | undefined {
  const rs = RESOURCES.filter((r) => gvKey(r.group, r.version) === path);
  if (!rs.length) return undefined;
  const paths: Record<string, object> = {};
  for (const r of rs) {
    const prefix = `/${path}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.resource}`;
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const op = (action: string) => ({
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": gvk,
      parameters: [
        { name: "fieldValidation", in: "query", schema: { type: "string", uniqueItems: true } },
      ],
      responses: {},
    });
    paths[prefix] = { post: op("post") };
    paths[`${prefix}/{name}`] = { put: op("put"), patch: op("patch") };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.0" },
    paths,
    components: { schemas: {} },
  };
}

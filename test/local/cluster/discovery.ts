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

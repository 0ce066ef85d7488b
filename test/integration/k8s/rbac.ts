/**
 * Checks recorded Kubernetes requests against the Role in deploy/rbac.yaml, the way the API
 * server's RBAC authorizer would: apiGroup, resource (or resource/subresource) and verb must match.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const RBAC_PATH = fileURLToPath(new URL("../../../deploy/rbac.yaml", import.meta.url));

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface RequestLike {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
}

export function loadRbac(path = RBAC_PATH): {
  role: { rules: PolicyRule[] };
  docs: Array<Record<string, unknown>>;
} {
  const docs = parseAllDocuments(readFileSync(path, "utf8")).map(
    (d) => d.toJSON() as Record<string, unknown>,
  );
  const role = docs.find((d) => d.kind === "Role") as { rules: PolicyRule[] } | undefined;
  if (!role) throw new Error(`${path} has no Role`);
  return { role, docs };
}

const resourceName = (r: RequestLike) =>
  r.subresource ? `${r.resource}/${r.subresource}` : r.resource;

export function ruleAllows(rule: PolicyRule, r: RequestLike): boolean {
  const has = (list: string[], v: string) => list.includes(v) || list.includes("*");
  return (
    has(rule.apiGroups, r.group) && has(rule.resources, resourceName(r)) && has(rule.verbs, r.verb)
  );
}

/** Requests no rule allows, described as `verb group/resource[/sub]`. */
export function deniedRequests(rules: PolicyRule[], requests: RequestLike[]): string[] {
  const denied = new Set<string>();
  for (const r of requests) {
    if (!rules.some((rule) => ruleAllows(rule, r))) {
      denied.add(`${r.verb} ${r.group || "core"}/${resourceName(r)}`);
    }
  }
  return [...denied].sort();
}

/** Every (group, resource, verb) the Role grants that no request used. */
export function unusedGrants(rules: PolicyRule[], requests: RequestLike[]): string[] {
  const unused: string[] = [];
  for (const rule of rules) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) {
        for (const verb of rule.verbs) {
          const [res, sub] = resource.split("/") as [string, string | undefined];
          const used = requests.some(
            (r) =>
              r.group === group && r.resource === res && r.subresource === sub && r.verb === verb,
          );
          if (!used) unused.push(`${verb} ${group || "core"}/${resource}`);
        }
      }
    }
  }
  return unused.sort();
}

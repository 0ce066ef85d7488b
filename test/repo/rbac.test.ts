import { describe, expect, it } from "vitest";
import { deniedRequests, loadRbac, ruleAllows, unusedGrants } from "../integration/k8s/rbac.js";

const { role, docs } = loadRbac();

describe("deploy/rbac.yaml", () => {
  it("is a namespaced Role bound to the renku-notebooks group, with no wildcards", () => {
    const binding = docs.find((d) => d.kind === "RoleBinding") as {
      roleRef: { kind: string; name: string };
      subjects: Array<{ kind: string; name: string }>;
    };
    const roleDoc = docs.find((d) => d.kind === "Role") as { metadata: { name: string } };
    expect(binding.roleRef).toMatchObject({ kind: "Role", name: roleDoc.metadata.name });
    expect(binding.subjects).toEqual([
      expect.objectContaining({ kind: "Group", name: "renku-notebooks" }),
    ]);
    expect(docs.some((d) => d.kind === "ClusterRole" || d.kind === "ClusterRoleBinding")).toBe(
      false,
    );
    const all = role.rules.flatMap((r) => [...r.apiGroups, ...r.resources, ...r.verbs]);
    expect(all).not.toContain("*");
  });

  it("never grants secrets listing or watching, nor writes to pods", () => {
    const allowed = (verb: string, group: string, resource: string, subresource?: string) =>
      role.rules.some((r) => ruleAllows(r, { verb, group, resource, subresource }));
    expect(allowed("list", "", "secrets")).toBe(false);
    expect(allowed("watch", "", "secrets")).toBe(false);
    expect(allowed("create", "", "pods")).toBe(false);
    expect(allowed("create", "", "pods", "exec")).toBe(false);
    expect(allowed("get", "", "pods", "log")).toBe(true);
    expect(allowed("patch", "amalthea.dev", "jupyterservers")).toBe(true);
  });
});

describe("the RBAC check", () => {
  const rules = [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get"] }];

  it("reports requests no rule allows, matching subresources separately", () => {
    expect(
      deniedRequests(rules, [
        { verb: "get", group: "", resource: "pods" },
        { verb: "get", group: "", resource: "pods", subresource: "log" },
        { verb: "get", group: "", resource: "pods", subresource: "exec" },
        { verb: "list", group: "", resource: "pods" },
        { verb: "get", group: "apps", resource: "pods" },
      ]),
    ).toEqual(["get apps/pods", "get core/pods/exec", "list core/pods"]);
  });

  it("reports grants that no request used", () => {
    expect(unusedGrants(rules, [{ verb: "get", group: "", resource: "pods" }])).toEqual([
      "get core/pods/log",
    ]);
  });
});

import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CRD_PATH, CrdSchema } from "../crd-schema.js";
import { labelValueErrors, metadataCauses } from "../names.js";

const schema = new CrdSchema();
const js = (spec: Record<string, unknown>) => ({
  apiVersion: "amalthea.dev/v1alpha1",
  kind: "JupyterServer",
  metadata: { name: "s" },
  spec,
});

describe("JupyterServer schema", () => {
  it("ships the same CRD as shared/spec", () => {
    const shared = new URL("../../../../../shared/spec/jupyterserver-crd.yaml", import.meta.url);
    if (!existsSync(shared)) return; // the spec folder is beside the repo only on dev machines
    // Compared parsed: formatters may re-indent the copy.
    expect(parse(readFileSync(CRD_PATH, "utf8"))).toEqual(parse(readFileSync(shared, "utf8")));
  });

  it("applies the CRD defaults, nested ones too", () => {
    const obj = js({ routing: { host: "h" } });
    expect(schema.admit(obj)).toEqual([]);
    const spec = obj.spec as Record<string, Record<string, unknown>>;
    expect(spec.jupyterServer).toEqual({
      defaultUrl: "/lab",
      hibernated: false,
      image: "jupyter/minimal-notebook:latest",
      resources: {},
      rootDir: "/home/jovyan/work",
    });
    expect(spec.routing).toEqual({
      host: "h",
      path: "/",
      ingressAnnotations: {},
      tls: { enabled: false },
    });
    expect(spec.storage).toEqual({
      size: "100Mi",
      pvc: { enabled: false, mountPath: "/home/jovyan/work" },
    });
    expect(spec.auth).toEqual({
      oidc: { enabled: false, authorizedEmails: [], authorizedGroups: [] },
    });
    expect(spec.patches).toEqual([]);
    expect((obj as Record<string, unknown>).status).toEqual({ children: {}, mainPod: {} });
  });

  it("prunes unknown fields but keeps preserve-unknown-fields subtrees", () => {
    const obj = js({
      bogus: 1,
      jupyterServer: {
        image: "i",
        extra: true,
        resources: { requests: { cpu: 1 }, anything: "kept" },
      },
      patches: [
        {
          type: "application/json-patch+json",
          patch: [{ op: "add", path: "/x", value: 1 }],
          junk: 1,
        },
      ],
    });
    (obj as Record<string, unknown>).topLevelJunk = 1;
    expect(schema.admit(obj)).toEqual([]);
    const spec = obj.spec as Record<string, Record<string, unknown>>;
    expect(spec.bogus).toBeUndefined();
    expect(spec.jupyterServer?.extra).toBeUndefined();
    expect(spec.jupyterServer?.resources).toEqual({ requests: { cpu: 1 }, anything: "kept" });
    expect((spec.patches as unknown as Array<Record<string, unknown>>)[0]?.junk).toBeUndefined();
    expect((obj as Record<string, unknown>).topLevelJunk).toBeUndefined();
  });

  it("drops nulls at non-nullable fields, or defaults them, before validating (no 422)", () => {
    const obj = js({
      auth: { token: null, oidc: { enabled: null, clientId: null } },
      routing: { host: "h", tls: null, path: null },
      storage: { pvc: { storageClassName: null } },
      jupyterServer: { image: "i", resources: { limits: null } },
    });
    expect(schema.admit(obj)).toEqual([]);
    const spec = obj.spec as Record<string, Record<string, unknown>>;
    // No default: the field goes.
    expect(spec.auth).not.toHaveProperty("token");
    expect(spec.auth?.oidc).not.toHaveProperty("clientId");
    expect(spec.storage?.pvc).not.toHaveProperty("storageClassName");
    // A default: the null is defaulted.
    expect(spec.auth?.oidc).toMatchObject({ enabled: false });
    expect(spec.routing).toMatchObject({ host: "h", path: "/", tls: { enabled: false } });
    // Under x-kubernetes-preserve-unknown-fields there is no schema to prune by: kept.
    expect(spec.jupyterServer?.resources).toEqual({ limits: null });
  });

  it("takes storage.size as integer or string, nothing else", () => {
    expect(schema.admit(js({ storage: { size: 1073741824 } }))).toEqual([]);
    expect(schema.admit(js({ storage: { size: "1Gi" } }))).toEqual([]);
    const causes = schema.admit(js({ storage: { size: true } }));
    expect(causes).toEqual([
      {
        reason: "FieldValueTypeInvalid",
        field: "spec.storage.size",
        message:
          'Invalid value: "boolean": spec.storage.size in body must be of type integer,string: "boolean"',
      },
    ]);
  });

  it("names each bad field the way the apiserver does", () => {
    const causes = schema.admit(
      js({
        culling: { idleSecondsThreshold: -1, maxAgeSecondsThreshold: "soon" },
        patches: [{ type: "application/strategic-merge-patch+json", patch: {} }],
        auth: { oidc: { clientSecret: {} } },
      }),
    );
    const byField = Object.fromEntries(causes.map((c) => [c.field, c]));
    expect(byField["spec.culling.idleSecondsThreshold"]?.message).toBe(
      "Invalid value: -1: spec.culling.idleSecondsThreshold in body should be greater than or equal to 0",
    );
    expect(byField["spec.culling.maxAgeSecondsThreshold"]?.reason).toBe("FieldValueTypeInvalid");
    expect(byField["spec.patches[0].type"]?.message).toBe(
      'Unsupported value: "application/strategic-merge-patch+json": supported values: "application/json-patch+json", "application/merge-patch+json"',
    );
    expect(byField["spec.auth.oidc.clientSecret"]?.message).toContain("oneOf");
  });
});

describe("names and labels", () => {
  it("checks object names as RFC 1123 subdomains", () => {
    expect(metadataCauses({ name: "ok-name.x" }, "subdomain")).toEqual([]);
    const [cause] = metadataCauses({ name: "Bad_Name" }, "subdomain");
    expect(cause?.field).toBe("metadata.name");
    expect(cause?.message).toContain("a lowercase RFC 1123 subdomain must consist of");
    expect(metadataCauses({ name: "a.b" }, "label")[0]?.message).toContain("RFC 1123 label");
    expect(metadataCauses({}, "subdomain")[0]?.reason).toBe("FieldValueRequired");
  });

  it("checks label keys and values, 63 characters at most", () => {
    expect(labelValueErrors("a".repeat(63))).toEqual([]);
    expect(labelValueErrors("a".repeat(64))).toContain("must be no more than 63 characters");
    expect(labelValueErrors("-x")).toHaveLength(1);
    expect(labelValueErrors("")).toEqual([]);
    const causes = metadataCauses(
      { name: "n", labels: { "renku.io/ok": "v", "bad key": "v", k: "no spaces" } },
      "subdomain",
    );
    expect(causes.map((c) => c.field)).toEqual(["metadata.labels", "metadata.labels"]);
  });
});

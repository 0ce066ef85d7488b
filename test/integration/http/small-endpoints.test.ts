/** /health, /version and /spec.json through their real handlers. */
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as health } from "../../../functions/health.js";
import { main as spec } from "../../../functions/spec.js";
import { main as version } from "../../../functions/version.js";
import { routePath } from "../../../lib/api/route.js";
import { ROUTES } from "../../../lib/api/routes.js";
import { installTestDeps, useTestDeps } from "../../helpers/deps.js";
import { invoke } from "../../helpers/events.js";

describe("small endpoints", () => {
  beforeAll(() => useTestDeps({ NB_ANONYMOUS_SESSIONS_ENABLED: "true" }));
  afterAll(() => installTestDeps(undefined));

  it("GET /health answers text under the prefix", async () => {
    const r = await invoke(health, { path: "/health" });
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^text\/html/);
    expect(r.text).toBe("service running under /notebooks");
  });

  it("GET /version reports the package version and the feature flags", async () => {
    const r = await invoke(version, { path: "/notebooks/version" });
    expect(r.status).toBe(200);
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    const v = r.json.versions[0];
    expect(r.json.name).toBe("renku-notebooks");
    expect(v.version).toBe(pkg.version);
    expect(v.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    expect(v.version).not.toBe("0.0.0");
    expect(v.data.anonymousSessionsEnabled).toBe(true);
    expect(v.data.cloudstorageEnabled).toEqual({ s3: false, azure_blob: false });
    expect(v.data.sshEnabled).toBe(false);
    expect(v.data.defaultCullingThresholds.registered).toEqual({
      idle: 86400,
      hibernation: 259200,
    });
  });

  describe("GET /spec.json", () => {
    // biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is read field by field
    let doc: any;
    beforeAll(async () => {
      const r = await invoke(spec, { path: "/notebooks/spec.json" });
      expect(r.status).toBe(200);
      doc = r.json;
    });

    it("is a valid OpenAPI 3.1 document", async () => {
      const result = await new Validator().validate(doc);
      expect(result.errors).toBeUndefined();
      expect(result.valid).toBe(true);
      expect(doc.openapi).toMatch(/^3\.1\./);
      // The validator does reject a broken document.
      expect((await new Validator().validate({ ...doc, info: {} })).valid).toBe(false);
    });

    it("documents every route with its method", () => {
      for (const route of ROUTES) {
        const op = doc.paths[routePath(route, "/notebooks")]?.[route.method.toLowerCase()];
        expect(op, `${route.method} ${route.path}`).toBeDefined();
        expect(op.operationId).toBe(route.id);
      }
    });

    it("derives the launch body from the validating schema", () => {
      const body =
        doc.paths["/notebooks/servers"].post.requestBody.content["application/json"].schema;
      const launch = body.$ref ? doc.components.schemas[body.$ref.split("/").pop()] : body;
      expect(launch.required).toEqual(
        expect.arrayContaining(["namespace", "project", "commit_sha"]),
      );
      expect(launch.additionalProperties).toBe(false);
      expect(Object.keys(launch.properties)).toContain("environment_variables");
    });
  });
});

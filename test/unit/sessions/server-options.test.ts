import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import {
  parseServerOptions,
  resolveStaticResources,
  serverOptionsResponse,
} from "../../../lib/sessions/server-options.js";
import { testConfig } from "./fixtures.js";

const config = testConfig();

function detailOf(fn: () => unknown): { status: number; code: number; detail: string | undefined } {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return { status: err.status, code: err.code, detail: err.detail };
    throw err;
  }
  throw new Error("expected an error");
}

describe("static server options (D16b)", () => {
  it("resolves the configured defaults when nothing is asked", () => {
    expect(resolveStaticResources(config, {})).toEqual({
      cpu: 0.5,
      memory: 1e9,
      storage: 1e9,
      gpu: 0,
      defaultUrl: "/lab",
      lfsAutoFetch: false,
      priorityClass: null,
      resourceClassId: null,
    });
  });

  it("accepts allowed choices, comparing quantities by value", () => {
    const r = resolveStaticResources(config, {
      serverOptions: {
        cpu_request: "1000m",
        mem_request: "2G",
        disk_request: "10G",
        lfs_auto_fetch: true,
      },
    });
    expect(r).toMatchObject({ cpu: 1, memory: 2e9, storage: 1e10, lfsAutoFetch: true });
  });

  it("top-level default_url, lfs_auto_fetch and storage (GB) apply", () => {
    const r = resolveStaticResources(config, { storageGb: 10, lfsAutoFetch: true });
    expect(r.storage).toBe(1e10);
    expect(r.lfsAutoFetch).toBe(true);
  });

  it("rejects a value not in the options with the reference message", () => {
    const e = detailOf(() => resolveStaticResources(config, { serverOptions: { cpu_request: 2 } }));
    expect(e).toEqual({
      status: 422,
      code: 1422,
      detail:
        "Field 'serverOptions' has errors: Provided cpu_request value is not in the allowed options [0.5, 1]",
    });
    const m = detailOf(() =>
      resolveStaticResources(config, { serverOptions: { mem_request: "3G" } }),
    );
    expect(m.detail).toContain(
      "Provided mem_request value is not in the allowed options ['1G', '2G']",
    );
  });

  it("rejects a value outside a value_range", () => {
    const ranged = testConfig({
      NB_SERVER_OPTIONS__UI_CHOICES: JSON.stringify({
        cpu_request: {
          order: 1,
          displayName: "CPU",
          type: "enum",
          default: 1,
          options: [1],
          value_range: { min: 0.5, max: 4 },
        },
        mem_request: {
          order: 2,
          displayName: "Mem",
          type: "enum",
          default: "1G",
          allow_any_value: true,
          options: [],
        },
      }),
    });
    expect(
      resolveStaticResources(ranged, {
        serverOptions: { cpu_request: "3500m", mem_request: "7G" },
      }),
    ).toMatchObject({
      cpu: 3.5,
      memory: 7e9,
    });
    const e = detailOf(() => resolveStaticResources(ranged, { serverOptions: { cpu_request: 5 } }));
    expect(e.detail).toBe(
      "Field 'serverOptions' has errors: Provided cpu_request value not within allowed range of 0.5 and 4.",
    );
  });

  it("an option absent from the choices must equal its default", () => {
    const noGpu = testConfig({
      NB_SERVER_OPTIONS__UI_CHOICES: JSON.stringify({
        defaultUrl: {
          order: 1,
          displayName: "URL",
          type: "enum",
          default: "/lab",
          options: ["/lab", "/rstudio"],
        },
      }),
    });
    expect(resolveStaticResources(noGpu, { defaultUrl: "/rstudio" }).defaultUrl).toBe("/rstudio");
    const e = detailOf(() => resolveStaticResources(noGpu, { serverOptions: { gpu_request: 1 } }));
    expect(e.detail).toBe(
      "Field 'serverOptions' has errors: Provided gpu_request value does not match the allowed value of 0",
    );
  });

  it("reports every violation together", () => {
    const e = detailOf(() =>
      resolveStaticResources(config, { serverOptions: { cpu_request: 8, gpu_request: 1 } }),
    );
    expect(e.detail).toContain("cpu_request");
    expect(e.detail).toContain("gpu_request");
  });

  it("rejects unparsable quantities naming the field", () => {
    const e = detailOf(() =>
      parseServerOptions(config, { serverOptions: { mem_request: "lots" } }),
    );
    expect(e).toEqual({
      status: 422,
      code: 1422,
      detail: "Field 'serverOptions.mem_request' has errors: Not a valid byte size.",
    });
    expect(
      detailOf(() => parseServerOptions(config, { serverOptions: { gpu_request: 2.5 } })).detail,
    ).toBe("Field 'serverOptions.gpu_request' has errors: Not a valid GPU value.");
  });
});

describe("serverOptionsResponse", () => {
  it("lists the static choices with byte values as NG and cloud storage off", () => {
    const body = serverOptionsResponse(config);
    expect(Object.keys(body).sort()).toEqual(
      [
        "cloudstorage",
        "cpu_request",
        "defaultUrl",
        "disk_request",
        "gpu_request",
        "lfs_auto_fetch",
        "mem_request",
      ].sort(),
    );
    expect(body.cloudstorage).toEqual({ s3: { enabled: false } });
    expect(body.mem_request).toMatchObject({
      default: "1G",
      options: ["1G", "2G"],
      type: "enum",
      order: 3,
    });
    expect(body.defaultUrl).toEqual({
      order: 1,
      displayName: "Default Environment",
      type: "enum",
      default: "/lab",
      options: ["/lab"],
    });
  });

  it("keeps only defaultUrl and lfs_auto_fetch with a resource-pool service (1.18 shape)", () => {
    const body = serverOptionsResponse(testConfig({ NB_CRC_URL: "http://crc.local/api/data" }));
    expect(Object.keys(body).sort()).toEqual(["cloudstorage", "defaultUrl", "lfs_auto_fetch"]);
  });
});

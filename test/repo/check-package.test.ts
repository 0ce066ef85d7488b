import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { checkPackage, readZip } from "../../deploy/check-package.js";

/** A minimal zip writer (deflate), enough to feed the checker real zip files. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const map = (sources: string[]) => JSON.stringify({ version: 3, sources, mappings: "" });

function artifacts(zips: Record<string, Record<string, string>>) {
  const dir = mkdtempSync(join(tmpdir(), "nb-pkg-"));
  for (const [name, files] of Object.entries(zips))
    writeFileSync(join(dir, `${name}.zip`), zip(files));
  const yml = join(dir, "serverless.yml");
  writeFileSync(
    yml,
    [
      "custom:",
      "  esbuild:",
      '    exclude: ["@aws-lambda-powertools/tracer", "@aws-sdk/*"]',
      "functions:",
      "  health:",
      "    handler: functions/health.main",
      "  serversList:",
      "    handler: functions/servers/list.main",
      "    events:",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a serverless variable, not a template
      '      - httpApi: { method: GET, path: "${self:custom.prefix}/servers" }',
    ].join("\n"),
  );
  return checkPackage(dir, yml);
}

describe("the package check", () => {
  it("reads names, sizes and contents of a zip", () => {
    const entries = readZip(zip({ "a.txt": "hello hello hello", "b/c.js": "x" }));
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ["a.txt", 17],
      ["b/c.js", 1],
    ]);
    expect(entries[0]?.data().toString()).toBe("hello hello hello");
  });

  it("passes one zip per function with its handler and only service code", () => {
    const reports = artifacts({
      health: {
        "functions/health.cjs": "exports.main=1",
        "functions/health.cjs.map": map([
          "../functions/health.ts",
          "../lib/adapters/deps.ts",
          "../node_modules/pino/pino.js",
        ]),
      },
      serversList: {
        "functions/servers/list.cjs": "exports.main=1",
        "functions/servers/list.cjs.map": map(["../lib/k8s/cluster.ts"]),
      },
    });
    expect(reports.map((r) => [r.name, r.problems])).toEqual([
      ["health", []],
      ["serversList", []],
    ]);
    expect(reports[0]?.zipBytes).toBeGreaterThan(0);
    expect(reports[0]?.unzippedBytes).toBeGreaterThan(0);
  });

  it("flags a missing zip, a missing handler, stale bundles and bundled test code", () => {
    const reports = artifacts({
      health: {
        "functions/other.cjs": "",
        "functions/health.mjs": "",
        "functions/health.cjs.map": map([
          "../test/local/cluster/index.ts",
          "../node_modules/vitest/dist/index.js",
        ]),
      },
    });
    const [health, list] = reports;
    expect(health?.problems).toEqual([
      "2 bundles: functions/other.cjs, functions/health.mjs",
      "dev-only code bundled: ../test/local/cluster/index.ts",
      "dev-only code bundled: ../node_modules/vitest/dist/index.js",
    ]);
    expect(list?.problems).toEqual(["no serversList.zip"]);
  });

  it("flags what esbuild's exclude leaves to the runtime (AWS SDK, tracer) bundled or shipped", () => {
    const [health, list] = artifacts({
      health: {
        "functions/health.cjs": "exports.main=1",
        "functions/health.cjs.map": map([
          "../lib/k8s/eks-sdk.ts",
          "../node_modules/@aws-sdk/client-eks/dist-cjs/index.js",
          "../node_modules/@aws-sdk/client-eks/dist-cjs/runtimeConfig.js",
          "../node_modules/@aws-sdk/core/dist-es/index.js",
          "../node_modules/@aws-lambda-powertools/tracer/lib/cjs/index.js",
          "../node_modules/@aws-lambda-powertools/commons/lib/cjs/index.js",
        ]),
      },
      serversList: {
        "functions/servers/list.cjs": "exports.main=1",
        "node_modules/@aws-sdk/client-eks/package.json": "{}",
      },
    });
    expect(health?.problems).toEqual([
      "excluded package bundled: @aws-sdk/client-eks",
      "excluded package bundled: @aws-sdk/core",
      "excluded package bundled: @aws-lambda-powertools/tracer",
    ]);
    expect(list?.problems).toEqual(["excluded package shipped: @aws-sdk/client-eks"]);
  });
});

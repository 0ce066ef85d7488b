/**
 * Each route's function bundles its own route and schemas only (cold starts, issue 16): the
 * other routes, and the schemas only they read, are dropped at build time. The bundles are built
 * as serverless-esbuild builds them (serverless.yml custom.esbuild, with its plugins).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROUTES } from "../../lib/api/routes.js";

const yml = parse(readFileSync("serverless.yml", "utf8")) as {
  functions: Record<string, { handler: string }>;
  custom: { esbuild: { exclude?: string[] } };
};
const plugins = createRequire(import.meta.url)("../../build/esbuild-plugins.cjs") as Plugin[];

async function bundle(fn: string): Promise<string> {
  return (await built(fn)).outputFiles.map((f) => f.text).join("");
}

async function built(fn: string) {
  const handler = yml.functions[fn]?.handler ?? "";
  return build({
    entryPoints: [`${handler.replace(/\.[^.]+$/, "")}.ts`],
    bundle: true,
    minify: true,
    target: "node20",
    platform: "node",
    format: "cjs",
    external: yml.custom.esbuild.exclude ?? [],
    plugins,
    write: false,
    outfile: "bundle.cjs",
    logLevel: "silent",
    metafile: true,
  });
}

describe("a function's bundle", () => {
  // Only the OpenAPI document (spec) needs every route; the catch-all (notFound) needs none.
  const single = ROUTES.filter((r) => r.id !== "spec");
  const summaries = ROUTES.map((r) => JSON.stringify(r.summary));

  it("holds its own route and no other", async () => {
    const names = [...single.map((r) => r.id), "notFound"];
    const bundles = await Promise.all(names.map(bundle));
    names.forEach((name, i) => {
      const own = ROUTES.find((r) => r.id === name);
      const found = summaries.filter((summary) => bundles[i]?.includes(summary));
      expect(found, name).toEqual(own ? [JSON.stringify(own.summary)] : []);
    });
    // The launch body's schema, the largest, is built by the launch alone.
    const withLaunch = names.filter((_, i) => bundles[i]?.includes("LaunchNotebookRequest"));
    expect(withLaunch).toEqual(["serversCreate"]);
  });

  it("holds every route for the OpenAPI document", async () => {
    const spec = await bundle("spec");
    for (const summary of summaries) expect(spec).toContain(summary);
  });

  it("holds only the parts of zod it uses", async () => {
    // `import { z } from "zod"` would hold the whole namespace (its compiler, fromJSONSchema...);
    // `import * as z from "zod"` lets esbuild keep what the function calls.
    const { metafile } = await built("serversList");
    const zod = Object.entries(Object.values(metafile.outputs)[0]?.inputs ?? {}).filter(([path]) =>
      path.includes("node_modules/zod/"),
    );
    const bytes = (re: RegExp) =>
      zod.filter(([path]) => re.test(path)).reduce((n, [, v]) => n + v.bytesInOutput, 0);
    expect(bytes(/\/(from-json-schema|compile)\.js$/)).toBe(0);
    expect(bytes(/./)).toBeLessThan(130 * 1024);
  });
});

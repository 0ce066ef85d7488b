/**
 * Runs a snippet of TypeScript as the functions' bundles carry it: bundled by esbuild with the
 * Lambda build's plugins (build/esbuild-plugins.cjs), minified CommonJS for Node 20, in a fresh node
 * process. Answers what the process printed on stdout.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";

const plugins = createRequire(import.meta.url)("../../build/esbuild-plugins.cjs") as Plugin[];

export async function runBundled(source: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), "nb-bundled-")), "snippet.cjs");
  await build({
    stdin: { contents: source, resolveDir: resolve("."), loader: "ts" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile,
    plugins,
    logLevel: "silent",
  });
  return execFileSync(process.execPath, [outfile], { encoding: "utf8" });
}

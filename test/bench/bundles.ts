/**
 * The functions' bundles as `serverless package` builds them: package once, unzip each
 * .serverless/<fn>.zip, and attribute each bundle's bytes to packages with an esbuild metafile
 * built from the same options (custom.esbuild in serverless.yml, with its plugins).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { parse } from "yaml";

export const ROOT = resolve(import.meta.dirname, "..", "..");

export interface FunctionBundle {
  name: string;
  /** e.g. functions/servers/list.main */
  handler: string;
  /** The unzipped .cjs file. */
  file: string;
  bytes: number;
}

interface ServerlessYml {
  functions: Record<string, { handler: string }>;
}

export function functionHandlers(): Array<{ name: string; handler: string }> {
  // serverless.yml has ${...} variables but is plain YAML; only the handlers are read here.
  const doc = parse(readFileSync(join(ROOT, "serverless.yml"), "utf8")) as ServerlessYml;
  return Object.entries(doc.functions).map(([name, f]) => ({ name, handler: f.handler }));
}

/** Runs `serverless package` unless BENCH_REUSE_PACKAGE=1 and every zip is there. */
export function packageFunctions(say: (line: string) => void): void {
  const zips = functionHandlers().map((f) => join(ROOT, ".serverless", `${f.name}.zip`));
  if (process.env.BENCH_REUSE_PACKAGE === "1" && zips.every((z) => existsSync(z))) {
    say("reusing .serverless/*.zip (BENCH_REUSE_PACKAGE=1)");
    return;
  }
  say("serverless package (builds every function's bundle)…");
  execFileSync("npx", ["serverless", "package"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, ESBUILD_WORK_FOLDER: ".esbuild-bench" },
  });
}

export function unzipBundles(): FunctionBundle[] {
  const dir = mkdtempSync(join(tmpdir(), "nb-bundles-"));
  return functionHandlers().map(({ name, handler }) => {
    const out = join(dir, name);
    execFileSync("unzip", ["-q", "-o", join(ROOT, ".serverless", `${name}.zip`), "-d", out]);
    const file = join(out, `${handler.replace(/\.[^.]+$/, "")}.cjs`);
    return { name, handler, file, bytes: statSync(file).size };
  });
}

/** esbuild options as serverless.yml's custom.esbuild sets them, with its plugins. */
export function lambdaBuildOptions(): BuildOptions & { external: string[] } {
  const plugins = createRequire(import.meta.url)(
    join(ROOT, "build/esbuild-plugins.cjs"),
  ) as Plugin[];
  // What serverless-esbuild leaves out of the bundles (the tracer, the AWS SDK) is left out here too.
  const yml = parse(readFileSync(join(ROOT, "serverless.yml"), "utf8")) as {
    custom: { esbuild: { exclude?: string[] } };
  };
  return {
    external: yml.custom.esbuild.exclude ?? [],
    bundle: true,
    minify: true,
    target: "node20",
    platform: "node",
    format: "cjs",
    logLevel: "silent",
    plugins,
  };
}

/** The packages contributing most bytes to a function's minified bundle. */
export async function dominantModules(handler: string, top = 3): Promise<string> {
  const entry = join(ROOT, `${handler.replace(/\.[^.]+$/, "")}.ts`);
  const result = await build({
    ...lambdaBuildOptions(),
    entryPoints: [entry],
    write: false,
    metafile: true,
    outfile: join(tmpdir(), "nb-bench-meta.cjs"),
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
  if (!output) return "";
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split("/")[0] ?? path;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([pkg, bytes]) => `${pkg} ${Math.round(bytes / 1024)}K`)
    .join(", ");
}

/**
 * The Node.js the deployed functions run on (serverless.yml's provider.runtime), for tests and the
 * bench that run the bundles as Lambda would. This machine's own Node (20) runs the tests and
 * serverless offline; Lambda runs nodejs24.x. The official Linux build comes from the npm registry
 * (the node-linux-<arch> packages, the only network here), pinned by version and integrity, and is
 * unpacked once into node_modules/.cache.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";

const ROOT = join(import.meta.dirname, "..", "..");
const run = promisify(execFile);

/** The pinned release: its major is the runtime's (test/repo/serverless-yml.test.ts checks). */
export const LAMBDA_NODE = {
  version: "24.22.3",
  integrity: {
    x64: "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==",
    arm64:
      "sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==",
  } as Record<string, string>,
};

/** serverless.yml's provider.runtime, e.g. "nodejs24.x". */
export function lambdaRuntime(): string {
  const yml = parse(readFileSync(join(ROOT, "serverless.yml"), "utf8")) as {
    provider: { runtime: string };
  };
  return yml.provider.runtime;
}

function paths(): { dir: string; bin: string; pkg: string; expected: string } {
  const { version } = LAMBDA_NODE;
  const dir = join(ROOT, "node_modules", ".cache", "lambda-node", `${version}-${process.arch}`);
  const expected = LAMBDA_NODE.integrity[process.arch];
  if (!expected) throw new Error(`no pinned Node ${version} build for ${process.arch}`);
  return {
    dir,
    bin: join(dir, "bin", "node"),
    pkg: `node-linux-${process.arch}@${version}`,
    expected,
  };
}

/** The path of the runtime's node binary, once fetched (test/global-setup.ts fetches it). */
export function lambdaNode(): string {
  const { bin } = paths();
  if (!existsSync(bin))
    throw new Error(`Lambda's Node is not fetched yet: ${bin} (run the tests' global set-up)`);
  return bin;
}

/**
 * Fetches the runtime's node binary with `npm pack` unless it is there. Safe to run from several
 * processes at once: each unpacks into its own folder and the first rename wins.
 */
export async function fetchLambdaNode(): Promise<string> {
  const { dir, bin, pkg, expected } = paths();
  if (existsSync(bin)) return bin;
  mkdirSync(join(dir, ".."), { recursive: true });
  const work = mkdtempSync(`${dir}.part-`);
  try {
    const { stdout } = await run("npm", ["pack", pkg, "--silent", "--pack-destination", work]);
    const file = join(work, stdout.trim().split("\n").pop() ?? "");
    const actual = `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
    if (actual !== expected) throw new Error(`${pkg}: integrity ${actual}, pinned ${expected}`);
    await run("tar", ["xzf", file, "-C", work, "package/bin/node"]);
    try {
      renameSync(join(work, "package"), dir);
    } catch (e) {
      // Another process unpacked it first.
      if (!existsSync(bin)) throw e;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

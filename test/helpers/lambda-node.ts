/**
 * The Node.js the deployed functions run on (serverless.yml's provider.runtime), for tests and the
 * bench that run the bundles as Lambda would. This machine's own Node (20) runs the tests and
 * serverless offline; Lambda runs nodejs24.x. The official Linux build comes from the npm registry
 * (the node-linux-<arch> packages, the only network here), pinned by version and integrity, and is
 * unpacked once into node_modules/.cache.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(import.meta.dirname, "..", "..");

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

/**
 * The path of the runtime's node binary, fetched with `npm pack` on first use. Safe to call from
 * several processes at once: each unpacks into its own folder and the first rename wins.
 */
export function lambdaNode(): string {
  const { version } = LAMBDA_NODE;
  const dir = join(ROOT, "node_modules", ".cache", "lambda-node", `${version}-${process.arch}`);
  const bin = join(dir, "bin", "node");
  if (existsSync(bin)) return bin;
  const expected = LAMBDA_NODE.integrity[process.arch];
  if (!expected) throw new Error(`no pinned Node ${version} build for ${process.arch}`);
  const pkg = `node-linux-${process.arch}@${version}`;
  mkdirSync(join(dir, ".."), { recursive: true });
  const work = mkdtempSync(`${dir}.part-`);
  try {
    const tgz = execFileSync("npm", ["pack", pkg, "--silent", "--pack-destination", work], {
      encoding: "utf8",
    }).trim();
    const file = join(work, tgz.split("\n").pop() ?? "");
    const actual = `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
    if (actual !== expected) throw new Error(`${pkg}: integrity ${actual}, pinned ${expected}`);
    execFileSync("tar", ["xzf", file, "-C", work, "package/bin/node"]);
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

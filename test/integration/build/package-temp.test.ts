/**
 * `serverless package` as operators run it (docs/deploy.md): one zip per function, and nothing left
 * in the temp folder (serverless-esbuild's zip folders, build/esbuild-zip-cleanup.cjs).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { functionHandlers } from "../../bench/bundles.js";

const dirs: string[] = [];
const fresh = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("serverless package", () => {
  it("writes every function's zip and leaves the temp folder as it found it", async () => {
    const temp = fresh("nb-package-tmp-");
    const out = fresh("nb-package-out-");
    const work = `.esbuild-package-${process.pid}`;
    try {
      await promisify(execFile)("npx", ["serverless", "package", "--package", out], {
        env: { ...process.env, TMPDIR: temp, ESBUILD_WORK_FOLDER: work },
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const zips = readdirSync(out).filter((f) => f.endsWith(".zip"));
    expect(zips.sort()).toEqual(
      functionHandlers()
        .map((f) => `${f.name}.zip`)
        .sort(),
    );
    expect(readdirSync(temp)).toEqual([]);
  });
});

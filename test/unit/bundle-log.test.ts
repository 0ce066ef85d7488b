/**
 * The logger as the functions' bundles carry it: JSON lines on descriptor 1 (stdout), secrets
 * redacted, with nothing set up first that a cold start would pay for. And zod as they carry it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";

const plugins = createRequire(import.meta.url)("../../build/esbuild-plugins.cjs") as Plugin[];

describe("the bundled logger", () => {
  it("writes redacted JSON lines to stdout", { timeout: 60_000 }, async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), "nb-log-")), "log.cjs");
    await build({
      stdin: {
        contents: `
          import { createLogger } from "./lib/log.ts";
          const log = createLogger("info");
          log.info({ headers: { authorization: "Bearer abc" }, user: { token: "t0k" } }, "hello");
          log.child({ fn: "x" }).error({ err: new Error("upstream said glpat-abcdef") }, "boom");
        `,
        resolveDir: resolve("."),
        loader: "ts",
      },
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      outfile,
      plugins,
      logLevel: "silent",
    });
    const out = execFileSync(process.execPath, [outfile], { encoding: "utf8" });
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      level: "info",
      service: "renku-notebooks",
      msg: "hello",
      headers: "[redacted]",
      user: { token: "[redacted]" },
    });
    expect(lines[1]).toMatchObject({ level: "error", fn: "x", msg: "boom" });
    expect(lines[1]?.err).toMatchObject({ message: "upstream said glpat-[redacted]" });
    expect(out).not.toMatch(/abc|t0k|abcdef/);
  });

  it("builds zod schemas without compiled fast paths, whichever module loads first", async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), "nb-zod-")), "zod.cjs");
    await build({
      stdin: {
        contents: `
          import * as z from "zod";
          const schema = z.object({ a: z.string() });
          let compiled = 0;
          const F = Function;
          globalThis.Function = new Proxy(F, { construct: (t, a) => (compiled++, Reflect.construct(t, a)) });
          schema.parse({ a: "x" });
          console.log(compiled);
        `,
        resolveDir: resolve("."),
        loader: "ts",
      },
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      outfile,
      plugins,
      logLevel: "silent",
    });
    expect(execFileSync(process.execPath, [outfile], { encoding: "utf8" }).trim()).toBe("0");
  });
});

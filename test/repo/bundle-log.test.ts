/**
 * The logger as the functions' bundles carry it: JSON lines on descriptor 1 (stdout), secrets
 * redacted, with nothing set up first that a cold start would pay for. And zod as they carry it.
 */
import { describe, expect, it } from "vitest";
import { runBundled } from "../helpers/bundled.js";

describe("the bundled logger", () => {
  it("writes redacted JSON lines to stdout", async () => {
    const out = await runBundled(`
          import { createLogger } from "./lib/obs/log.ts";
          const log = createLogger("info");
          log.info({ headers: { authorization: "Bearer abc" }, user: { token: "t0k" } }, "hello");
          log.child({ fn: "x" }).error({ err: new Error("upstream said glpat-abcdef") }, "boom");
        `);
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
    expect(
      (
        await runBundled(`
          import * as z from "zod";
          const schema = z.object({ a: z.string() });
          let compiled = 0;
          const F = Function;
          globalThis.Function = new Proxy(F, { construct: (t, a) => (compiled++, Reflect.construct(t, a)) });
          schema.parse({ a: "x" });
          console.log(compiled);
        `)
      ).trim(),
    ).toBe("0");
  });
});

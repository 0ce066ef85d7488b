/**
 * Tests do not time things; benchmarks do (test/bench). A test file under test/unit or
 * test/integration that takes a start mark from a clock (`x = Date.now()`, `performance.now()`,
 * `process.hrtime`) and later subtracts it from the clock has measured a duration: it fails on a
 * busy machine and passes on a fast one whatever the code does. Deadlines of polling loops
 * (`Date.now() + ms`) and timestamps in fixtures are not durations and pass.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const TIERS = ["test/unit", "test/integration"];
const CLOCK = String.raw`(?:Date\.now\(\)|performance\.now\(\)|process\.hrtime(?:\.bigint)?\(\))`;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** `file:line: code` for each clock reading minus a start mark taken from a clock. */
function measuredDurations(file: string, text: string): string[] {
  const marks = [
    ...text.matchAll(new RegExp(String.raw`\b([A-Za-z_$][\w$]*)\s*=\s*${CLOCK}`, "g")),
  ].map((m) => m[1] as string);
  if (marks.length === 0) return [];
  const elapsed = new RegExp(String.raw`${CLOCK}\s*-\s*(${[...new Set(marks)].join("|")})\b`);
  return text
    .split("\n")
    .flatMap((code, i) => (elapsed.test(code) ? [`${file}:${i + 1}: ${code.trim()}`] : []));
}

describe("no timing in tests", () => {
  it("finds a measured duration (the check is not blind)", () => {
    const sample = [
      "const started = performance.now();",
      "await work();",
      "expect(performance.now() - started).toBeLessThan(150);",
      "const t0 = Date.now();",
      "const ms = Date.now() - t0;",
    ].join("\n");
    expect(measuredDurations("x.ts", sample)).toEqual([
      "x.ts:3: expect(performance.now() - started).toBeLessThan(150);",
      "x.ts:5: const ms = Date.now() - t0;",
    ]);
    // A deadline and a timestamp are not durations.
    const fine = "const deadline = Date.now() + 5000;\nconst at = Date.now() - 120_000;";
    expect(measuredDurations("y.ts", fine)).toEqual([]);
  });

  it("test/unit and test/integration compare no measured duration (time it in test/bench)", () => {
    const found = TIERS.flatMap((tier) => files(join(ROOT, tier))).flatMap((path) =>
      measuredDurations(relative(ROOT, path), readFileSync(path, "utf8")),
    );
    expect(found).toEqual([]);
  });
});

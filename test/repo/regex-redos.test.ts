/**
 * No regular expression of the service backtracks super-linearly: every literal in lib/ and
 * functions/ and every pattern built with `new RegExp` (test/helpers/service-regexes.ts) goes
 * through a static analysis (scslre) that finds exponential backtracking, and the polynomial kind
 * (a quantifier that rescans the same run from each start position). No clock: the result is the
 * same on a busy machine. `npm run bench` reports the times on 100k-character adversarial inputs.
 */
import { RegExpParser } from "@eslint-community/regexpp";
import { analyse } from "scslre";
import { describe, expect, it } from "vitest";
import { BUILDERS, builtSites, serviceRegexes } from "../helpers/service-regexes.js";

const parser = new RegExpParser();

/**
 * Patterns the analysis reports although they cannot backtrack, each with why. Keyed by source
 * and flags, so an edited pattern is analysed afresh.
 */
const LINEAR_ALTHOUGH_REPORTED: Record<string, string> = {
  // Ends in `(.*)$` under the s flag, which matches whatever follows: once the anchored scheme has
  // matched, the match cannot fail, so no split of the run between `[\w-]*`, `\s*` and `.*` is retried.
  "/^\\s*([A-Za-z][\\w-]*)\\s*(.*)$/s": "lib/registry/challenge.ts",
};

/** What the analysis finds: one line per super-linear construct, empty for a linear pattern. */
function superLinear(regex: RegExp): string[] {
  const { pattern, flags } = parser.parseLiteral(regex.toString());
  return analyse(
    { pattern, flags },
    { reportTypes: { Move: true, Self: true, Trade: true } },
  ).reports.map(
    (r) =>
      `${r.exponential ? "exponential" : "polynomial"} (${r.type}) at ${r.character.literal.source}`,
  );
}

describe("regular expressions: no super-linear backtracking", () => {
  const found = serviceRegexes();

  it("finds the service's regexes, literal and built", () => {
    // Guards against a scanner that silently finds nothing.
    expect(found.length).toBeGreaterThan(30);
    const sources = found.map((f) => f.regex.source);
    expect(sources.some((s) => s.includes("nodes are available"))).toBe(true);
    expect(sources.some((s) => s.startsWith("^(\\d+(?:\\.\\d*)?|\\.\\d+)"))).toBe(true);
    // The catch-all's route patterns, greedy ones included.
    expect(sources.some((s) => s.startsWith("^\\/notebooks\\/servers\\/[^/]+"))).toBe(true);
    expect(sources.some((s) => s.includes("[^/].*?"))).toBe(true);
  });

  it("knows how to build every pattern that the code builds at run time", () => {
    expect(builtSites()).toEqual(Object.keys(BUILDERS).sort());
  });

  it("flags a quadratic and an exponential pattern (the analysis is not blind)", () => {
    expect(superLinear(/\d+\.\d+/)).toEqual([expect.stringMatching(/^polynomial \(Move\)/)]);
    expect(superLinear(/^(a+)+$/)).toContainEqual(expect.stringMatching(/^exponential/));
    expect(superLinear(/^\d+\.\d+$/)).toEqual([]);
  });

  it("holds no exemption for a pattern that is gone or no longer reported", () => {
    for (const [literal, file] of Object.entries(LINEAR_ALTHOUGH_REPORTED)) {
      const hit = found.find((f) => f.regex.toString() === literal);
      expect(hit?.where, literal).toMatch(new RegExp(`^${file}:`));
      expect(superLinear(hit?.regex as RegExp), literal).not.toEqual([]);
    }
  });

  for (const { where, regex } of found) {
    if (LINEAR_ALTHOUGH_REPORTED[regex.toString()]) continue;
    it(`${where} ${regex}`, () => {
      expect(superLinear(regex)).toEqual([]);
    });
  }
});

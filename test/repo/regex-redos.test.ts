/**
 * Every regular expression literal in lib/ and functions/ (found by scanning the sources, so a new
 * one is covered without editing this file) runs against 100k-character adversarial inputs: runs
 * of one character after a prefix the patterns expect, ending in a character that makes the match
 * fail. A backtracking pattern shows up as seconds; a linear one stays far below 50 ms.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOTS = ["lib", "functions"];
const N = 100_000;
const LIMIT_MS = 50;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

// A regex literal follows an operator, a bracket, a comma, a colon or `return`; its body holds
// escapes, character classes (which may contain "/") and any other character but "/" and a newline.
const LITERAL =
  /(?:^|[=(,:!&|?{;[]|\breturn)\s*\/((?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\[\n*])(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\[\n])*)\/([dgimsuy]*)/gm;

interface Found {
  where: string;
  regex: RegExp;
}

function findRegexes(): Found[] {
  const out: Found[] = [];
  for (const file of ROOTS.flatMap(sources)) {
    const lines = readFileSync(file, "utf8").split("\n");
    lines.forEach((line, i) => {
      const code = line.trimStart();
      if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) return;
      for (const m of line.matchAll(LITERAL)) {
        try {
          out.push({ where: `${file}:${i + 1}`, regex: new RegExp(m[1] as string, m[2]) });
        } catch {
          // Not a regex after all (a division, a path in a string).
        }
      }
    });
  }
  return out;
}

const PREFIXES = [
  "",
  "1",
  "1 ",
  "a",
  "a ",
  "0/3 nodes are available: 1 ",
  "renku/autosave/u/",
  "application/",
  "<http://x>;",
  'a="',
  "bearer ",
  "sha256:",
  "%",
];
const RUNS = [
  "1",
  "a",
  " ",
  ".",
  "/",
  "-",
  "_",
  ",",
  "\t",
  "=",
  '"',
  "<",
  "é",
  "1a",
  "a.",
  "1 ",
  "-a",
];
const ENDS = ["!"];

function adversarial(): string[] {
  const out: string[] = [];
  for (const p of PREFIXES)
    for (const r of RUNS)
      for (const e of ENDS) out.push(p + r.repeat(Math.ceil(N / r.length)).slice(0, N) + e);
  return out;
}

/** exec, or every match for a global one (a failing exec already tries every start position). */
function run(regex: RegExp, input: string) {
  regex.lastIndex = 0;
  if (regex.global || regex.sticky) input.replace(regex, "");
  else regex.exec(input);
}

describe("regular expressions on adversarial input", () => {
  const found = findRegexes();
  const inputs = adversarial();

  it("finds the service's regexes", () => {
    // Guards against a scanner that silently finds nothing.
    expect(found.length).toBeGreaterThan(30);
    const sources = found.map((f) => f.regex.source);
    expect(sources.some((s) => s.includes("nodes are available"))).toBe(true);
    expect(sources.some((s) => s.startsWith("^(\\d+(?:\\.\\d*)?|\\.\\d+)"))).toBe(true);
  });

  for (const { where, regex } of found) {
    it(`${where} ${regex}`, () => {
      let worst = 0;
      let worstInput = "";
      for (const input of inputs) {
        const started = performance.now();
        run(regex, input);
        const ms = performance.now() - started;
        if (ms > worst) {
          worst = ms;
          worstInput = input;
        }
      }
      // Once more on the worst input, to tell a stall from one slow moment of a busy machine.
      if (worst > LIMIT_MS) {
        const started = performance.now();
        run(regex, worstInput);
        worst = Math.min(worst, performance.now() - started);
      }
      expect(worst, `worst input starts ${JSON.stringify(worstInput.slice(0, 40))}`).toBeLessThan(
        LIMIT_MS,
      );
    });
  }
});

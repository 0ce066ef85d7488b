/**
 * Every regular expression the service runs: the literals in lib/ and functions/ (found by
 * scanning the sources, so a new one is covered without editing anything), and the patterns built
 * with `new RegExp`, taken from the real code that builds them. The ReDoS check
 * (test/unit/security/regex-redos.test.ts) analyses them; `npm run bench` times them.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { allowedMethods } from "../../lib/api/match.js";
import { PATHS } from "../../lib/api/paths.js";

const ROOT = join(import.meta.dirname, "..", "..");
const ROOTS = ["lib", "functions"];

export interface ServiceRegex {
  where: string;
  regex: RegExp;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Source lines that are code (not comments), with where they stand. */
function codeLines(): { file: string; line: number; code: string }[] {
  return ROOTS.flatMap((r) => sources(join(ROOT, r))).flatMap((path) => {
    const file = relative(ROOT, path);
    return readFileSync(path, "utf8")
      .split("\n")
      .map((code, i) => ({ file, line: i + 1, code }))
      .filter(({ code }) => !/^\s*(\/\/|\*|\/\*)/.test(code));
  });
}

// A regex literal follows an operator (an arrow too), a bracket, a comma, a colon or `return`; its body holds
// escapes, character classes (which may contain "/") and any other character but "/" and a newline.
const LITERAL =
  /(?:^|[=(,:!&|?{;[>]|\breturn)\s*\/((?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\[\n*])(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\[\n])*)\/([dgimsuy]*)/gm;

function literals(): ServiceRegex[] {
  const out: ServiceRegex[] = [];
  for (const { file, line, code } of codeLines()) {
    for (const m of code.matchAll(LITERAL)) {
      try {
        out.push({ where: `${file}:${line}`, regex: new RegExp(m[1] as string, m[2]) });
      } catch {
        // Not a regex after all (a division, a path in a string).
      }
    }
  }
  return out;
}

/** The files that build patterns at run time (`new RegExp(` or `RegExp(` in code). */
export function builtSites(): string[] {
  const files = codeLines()
    .filter(({ code }) => /\bRegExp\(/.test(code))
    .map(({ file }) => file);
  return [...new Set(files)].sort();
}

/** Runs `fn` with the global RegExp constructor recording what it builds. */
function recordBuilt(fn: () => void): RegExp[] {
  const seen: RegExp[] = [];
  const Original = globalThis.RegExp;
  class Recording extends Original {
    constructor(pattern: string | RegExp, flags?: string) {
      super(pattern, flags);
      seen.push(new Original(pattern, flags));
    }
  }
  globalThis.RegExp = Recording as RegExpConstructor;
  try {
    fn();
  } finally {
    globalThis.RegExp = Original;
  }
  return seen;
}

/**
 * For each file that builds patterns, the real code that builds them, driven over every input it
 * gets in production. A file that starts building patterns must be added here (the ReDoS check
 * fails until it is).
 */
export const BUILDERS: Record<string, () => void> = {
  // The catch-all's 404/405 match: one pattern per route of the table, greedy ones included.
  "lib/api/match.ts": () => {
    allowedMethods(Object.values(PATHS), "/notebooks", "/notebooks/servers");
  },
};

function built(): ServiceRegex[] {
  return Object.entries(BUILDERS).flatMap(([file, build]) => {
    const unique = new Map(recordBuilt(build).map((r) => [r.toString(), r]));
    return [...unique.values()].map((regex) => ({ where: `${file} (built)`, regex }));
  });
}

export function serviceRegexes(): ServiceRegex[] {
  return [...literals(), ...built()];
}

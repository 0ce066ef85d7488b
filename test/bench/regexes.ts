/**
 * Section 10: every regular expression of the service (test/helpers/service-regexes.ts) against
 * 100k-character adversarial inputs: runs of one character after a prefix the patterns expect,
 * ending in a character that makes the match fail. Target: under 50 ms for each. The suite checks
 * the same property without a clock (test/repo/regex-redos.test.ts).
 */
import { performance } from "node:perf_hooks";
import { serviceRegexes } from "../helpers/service-regexes.js";
import { type Row, verdict } from "./table.js";

const N = 100_000;
const TARGET_MS = 50;

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
  "/notebooks/servers/",
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
  "{",
];

function adversarial(): string[] {
  return PREFIXES.flatMap((p) =>
    RUNS.map((r) => `${p}${r.repeat(Math.ceil(N / r.length)).slice(0, N)}!`),
  );
}

/** exec, or every match for a global one (a failing exec already tries every start position). */
function run(regex: RegExp, input: string): void {
  regex.lastIndex = 0;
  if (regex.global || regex.sticky) input.replace(regex, "");
  else regex.exec(input);
}

/** The fastest of `n` runs: a busy machine's pauses add time, never take it away. */
function bestOf(n: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

export function regexes(): Row[] {
  const inputs = adversarial();
  const worst = serviceRegexes().map(({ where, regex }) => {
    let ms = 0;
    for (const input of inputs) {
      ms = Math.max(
        ms,
        bestOf(3, () => run(regex, input)),
      );
    }
    return { where, regex, ms };
  });
  worst.sort((a, b) => b.ms - a.ms);
  const slowest = worst[0];
  const over = worst.filter((w) => w.ms >= TARGET_MS);
  return [
    {
      section: "10 regular expressions",
      measure: `slowest of ${worst.length} patterns on ${inputs.length} inputs of ${N / 1000}k characters`,
      value: slowest ? `${slowest.ms.toFixed(1)} ms (${slowest.where})` : "no pattern",
      target: `< ${TARGET_MS} ms each`,
      verdict: verdict(slowest !== undefined && over.length === 0),
    },
    ...over.map((w) => ({
      section: "10 regular expressions",
      measure: `over the target: ${w.where} ${w.regex}`,
      value: `${w.ms.toFixed(1)} ms`,
      target: `< ${TARGET_MS} ms`,
      verdict: verdict(false),
    })),
  ];
}

/** Seconds of a Go duration ("24h0m0s", "86400s", "1h30m"); 0 when absent or unreadable (rule off). */
const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

export function durationSeconds(text: string | undefined): number {
  if (!text) return 0;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g))
    total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] ?? 0);
  return text.startsWith("-") ? -total : total;
}

/** Go's time.Duration text ("1h30m", "24h0m0s") and Kubernetes CPU quantities, as Amalthea reads them. */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds of a Go duration string; 0 for absent or unparsable (a zero duration turns a rule off). */
export function durationMs(text: string | undefined): number {
  if (!text) return 0;
  const sign = text.startsWith("-") ? -1 : 1;
  let total = 0;
  for (const m of text.replace(/^[-+]/, "").matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g))
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
  return sign * total;
}

/** time.Duration.String(): what the operator's full Updates write back ("24h" -> "24h0m0s"). */
export function goDuration(text: string | undefined): string {
  const ms = durationMs(text);
  if (ms === 0) return "0s";
  if (Math.abs(ms) < 1000) return `${ms}ms`;
  const neg = ms < 0 ? "-" : "";
  const totalSec = Math.abs(ms) / 1000;
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = Number((totalSec % 60).toFixed(9));
  if (h) return `${neg}${h}h${m}m${s}s`;
  if (m) return `${neg}${m}m${s}s`;
  return `${neg}${s}s`;
}

/** Cores of a CPU quantity ("300m" -> 0.3, 2 -> 2); undefined when absent. */
export function cpuCores(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  if (typeof q === "number") return q;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
  if (!m) return undefined;
  return Number(m[1]) / (m[2] ? 1000 : 1);
}

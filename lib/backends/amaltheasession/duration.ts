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

const isNumberChar = (c: string) => (c >= "0" && c <= "9") || c === ".";

/** One left-to-right pass (no regex: linear on any input). */
export function durationSeconds(text: string | undefined): number {
  if (!text) return 0;
  const sign = text.startsWith("-") ? -1 : 1;
  let i = text.startsWith("-") || text.startsWith("+") ? 1 : 0;
  let total = 0;
  while (i < text.length) {
    const start = i;
    while (i < text.length && isNumberChar(text[i] as string)) i++;
    const value = Number(text.slice(start, i));
    const unitStart = i;
    while (i < text.length && !isNumberChar(text[i] as string)) i++;
    const unit = UNIT_SECONDS[text.slice(unitStart, i)];
    if (start === unitStart || unit === undefined || Number.isNaN(value)) return 0;
    total += value * unit;
  }
  return sign * total;
}

/** The one results table: rows grouped by section, rendered as Markdown. */

export interface Row {
  section: string;
  measure: string;
  value: string;
  /** The comparison: baseline, ratio, target. */
  versus?: string;
  target?: string;
  /** "met", "MISSED" or "-" when there is no target. */
  verdict?: string;
}

export const verdict = (met: boolean | undefined) =>
  met === undefined ? "-" : met ? "met" : "MISSED";

export function renderTable(rows: readonly Row[]): string {
  const head = ["section", "measure", "value", "versus", "target", "verdict"];
  const cells = rows.map((r) => [
    r.section,
    r.measure,
    r.value,
    r.versus ?? "",
    r.target ?? "",
    r.verdict ?? "-",
  ]);
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const line = (cols: string[]) => `| ${cols.map(esc).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...cells.map(line)].join("\n");
}

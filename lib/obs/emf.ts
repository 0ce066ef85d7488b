/**
 * CloudWatch Embedded Metric Format, written by hand: one JSON document per flush, which the
 * Lambda log agent turns into metrics. Hand-written because @aws-lambda-powertools/metrics cost
 * more cold start for the same line (docs/deploy.md, Observability, has the figures).
 */

export type Unit = "Count" | "Milliseconds";

/** Metrics that share one list of dimension sets. */
export interface Directive {
  dimensions: string[][];
  metrics: Record<string, { unit: Unit; values: number[] }>;
}

export interface EmfDocument {
  namespace: string;
  timestamp: number;
  /** Dimension values (and any property) at the top level, as EMF wants them. */
  properties: Record<string, string>;
  directives: Directive[];
}

/** EMF allows at most 100 values per metric in one document. */
const MAX_VALUES = 100;

/** The document as one line; directives without metrics are left out. */
export function emfLine(doc: EmfDocument): string {
  const out: Record<string, unknown> = { ...doc.properties };
  const cw: unknown[] = [];
  for (const d of doc.directives) {
    const names = Object.keys(d.metrics);
    if (names.length === 0) continue;
    cw.push({
      Namespace: doc.namespace,
      Dimensions: d.dimensions,
      Metrics: names.map((name) => ({ Name: name, Unit: d.metrics[name]?.unit })),
    });
    for (const name of names) {
      const values = d.metrics[name]?.values.slice(0, MAX_VALUES) ?? [];
      out[name] = values.length === 1 ? values[0] : values;
    }
  }
  return JSON.stringify({ _aws: { Timestamp: doc.timestamp, CloudWatchMetrics: cw }, ...out });
}

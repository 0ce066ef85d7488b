/** Reads the EMF lines the service prints on stdout while a block runs. */
import { metricsOutput } from "../../lib/obs/metrics.js";

export interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

export async function captureEmf<T>(
  run: () => Promise<T>,
): Promise<{ result: T; lines: EmfLine[] }> {
  const lines: EmfLine[] = [];
  const write = metricsOutput.write;
  metricsOutput.write = (line: string) => {
    lines.push(JSON.parse(line) as EmfLine);
  };
  try {
    return { result: await run(), lines };
  } finally {
    metricsOutput.write = write;
  }
}

/** The metric's value(s) in a line, and the dimension sets it is published under. */
export function metric(line: EmfLine, name: string) {
  const directive = line._aws.CloudWatchMetrics.find((d) => d.Metrics.some((m) => m.Name === name));
  return {
    value: line[name],
    unit: directive?.Metrics.find((m) => m.Name === name)?.Unit,
    dimensions: directive?.Dimensions,
  };
}

/** Every dimension name and value a line publishes. */
export function dimensionsOf(line: EmfLine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of line._aws.CloudWatchMetrics)
    for (const set of d.Dimensions) for (const key of set) out[key] = line[key];
  return out;
}

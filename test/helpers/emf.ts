/** Reads the EMF lines the service prints on stdout while a block runs. */
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
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.startsWith('{"_aws"')) {
      for (const l of text.split("\n")) if (l) lines.push(JSON.parse(l) as EmfLine);
      return true;
    }
    return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    return { result: await run(), lines };
  } finally {
    process.stdout.write = write;
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

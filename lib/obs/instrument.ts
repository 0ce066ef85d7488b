/** Wraps a Lambda handler: one EMF line per invocation, and one trace when tracing is on. */
import { DEFAULT_NAMESPACE, emit, type MetricsSettings, withMetrics } from "./metrics.js";
import { traceRequest } from "./tracing.js";

export interface ObservabilitySettings {
  metrics: MetricsSettings;
  tracing: { enabled: boolean };
}

const DEFAULTS: ObservabilitySettings = {
  metrics: { enabled: true, namespace: DEFAULT_NAMESPACE },
  tracing: { enabled: false },
};

/** The configured settings, or the defaults while the configuration cannot be read. */
function read(settings: () => ObservabilitySettings): ObservabilitySettings {
  try {
    return settings();
  } catch {
    return DEFAULTS;
  }
}

export function instrument<E, C, R extends { statusCode?: number }>(
  fn: string,
  handler: (event: E, context: C) => Promise<R>,
  settings: () => ObservabilitySettings,
): (event: E, context: C) => Promise<R> {
  return (event, context) =>
    withMetrics(fn, async (m) => {
      const s = read(settings);
      m.tracing = s.tracing.enabled;
      const started = performance.now();
      let status = 500;
      try {
        const run = () => handler(event, context);
        const result = await (m.tracing ? traceRequest(fn, run) : run());
        status = result.statusCode ?? 200;
        return result;
      } finally {
        emit(
          m.requestLine(status, performance.now() - started, s.metrics.namespace, Date.now()),
          s.metrics,
        );
      }
    });
}

/** A job (no HTTP status): the same line with its own counts, and a trace when on. */
export function instrumentJob<A extends unknown[], R>(
  fn: string,
  job: (...args: A) => Promise<R>,
  settings: () => ObservabilitySettings,
): (...args: A) => Promise<R> {
  return (...args) =>
    withMetrics(fn, async (m) => {
      const s = read(settings);
      m.tracing = s.tracing.enabled;
      try {
        const run = () => job(...args);
        return await (m.tracing ? traceRequest(fn, run) : run());
      } finally {
        emit(m.jobLine(s.metrics.namespace, Date.now()), s.metrics);
      }
    });
}

/**
 * The metrics of one invocation, gathered wherever they happen (a use case, an upstream client)
 * and printed as one EMF line when it ends. Dimensions stay low-cardinality: the service, the
 * function, the outcome and the error code; never a user, a session or a project.
 */
import { writeSync } from "node:fs";
import { type Directive, emfLine, type Unit } from "./emf.js";

export const SERVICE = "renku-notebooks";
export const DEFAULT_NAMESPACE = "RenkuNotebooks";

/** The dependencies every service call goes through; each gets Latency, Calls, Errors, Retries. */
export type Upstream = "GitLab" | "Registry" | "Cluster" | "PoolService" | "DataServices";

/** What happened in a use case, counted per invocation. */
export type EventMetric =
  | "Stops"
  | "Hibernations"
  | "Resumes"
  | "CleanupRuns"
  | "CleanupScanned"
  | "CleanupDeleted"
  | "CleanupFailed";

export interface MetricsSettings {
  enabled: boolean;
  namespace: string;
}

/**
 * Where lines go: file descriptor 1, which Lambda forwards to CloudWatch Logs. A direct write
 * spares the ~1.5 ms that creating process.stdout costs a cold start; tests replace `write`.
 */
export const metricsOutput = {
  write(line: string) {
    try {
      writeSync(1, `${line}\n`);
    } catch {
      // A non-blocking pipe that is full (EAGAIN): the stream queues it instead.
      process.stdout.write(`${line}\n`);
    }
  },
};

type Bag = Record<string, { unit: Unit; values: number[] }>;

const add = (bag: Bag, name: string, unit: Unit, value: number) => {
  const m = bag[name] ?? { unit, values: [] };
  bag[name] = m;
  if (unit === "Count" && m.values.length > 0) m.values[0] = (m.values[0] ?? 0) + value;
  else m.values.push(value);
};

export class InvocationMetrics {
  private readonly events: Bag = {};
  private readonly upstreams: Bag = {};
  private errorCode: number | undefined;
  private flushed = false;
  /** Whether this invocation traces (upstream calls open spans). */
  tracing = false;

  constructor(readonly fn: string) {}

  count(name: EventMetric, value = 1) {
    add(this.events, name, "Count", value);
  }

  upstream(name: Upstream, ms: number, opts: { error?: boolean; retries?: number } = {}) {
    add(this.upstreams, `${name}Latency`, "Milliseconds", Math.round(ms));
    add(this.upstreams, `${name}Calls`, "Count", 1);
    add(this.upstreams, `${name}Errors`, "Count", opts.error ? 1 : 0);
    add(this.upstreams, `${name}Retries`, "Count", opts.retries ?? 0);
  }

  /** The documented error code of the answer (set by the error handler). */
  failedWith(code: number) {
    this.errorCode = code;
  }

  /** The EMF line of a finished HTTP request; undefined once already flushed. */
  requestLine(status: number, ms: number, namespace: string, timestamp: number) {
    const outcome = outcomeOf(this.fn, status);
    const request: Bag = {};
    add(request, "Requests", "Count", 1);
    add(request, "Latency", "Milliseconds", Math.round(ms));
    const events: Bag = { ...this.events };
    if (this.fn === LAUNCH_FUNCTION) {
      add(events, "Launches", "Count", 1);
      add(events, "LaunchesCreated", "Count", status === 201 ? 1 : 0);
      add(events, "LaunchesReused", "Count", status === 200 ? 1 : 0);
      add(events, "LaunchesRefused", "Count", status >= 400 && status < 500 ? 1 : 0);
      add(events, "LaunchesFailed", "Count", status >= 500 ? 1 : 0);
    }
    // Quota refusals are 429s, whichever code a quota check picks (lib/quotas).
    if (status === 429) add(events, "QuotaRefusals", "Count", 1);
    const properties: Record<string, string> = { service: SERVICE, function: this.fn, outcome };
    const directives: Directive[] = [
      {
        dimensions: [
          ["service", "function"],
          ["service", "function", "outcome"],
        ],
        metrics: request,
      },
      { dimensions: [["service"], ["service", "function"]], metrics: events },
      { dimensions: [["service"], ["service", "function"]], metrics: this.upstreams },
    ];
    if (status >= 400) {
      const code = this.errorCode ?? status;
      properties.errorCode = String(code);
      properties.errorFamily = errorFamily(code);
      const failures: Bag = {};
      add(failures, "Failures", "Count", 1);
      directives.push({
        dimensions: [
          ["service", "function", "errorCode"],
          ["service", "errorFamily"],
        ],
        metrics: failures,
      });
    }
    return this.line(namespace, timestamp, properties, directives);
  }

  /** The EMF line of a job (the scheduled clean-up): its events and upstream calls. */
  jobLine(namespace: string, timestamp: number) {
    return this.line(namespace, timestamp, { service: SERVICE, function: this.fn }, [
      { dimensions: [["service"], ["service", "function"]], metrics: this.events },
      { dimensions: [["service"], ["service", "function"]], metrics: this.upstreams },
    ]);
  }

  private line(
    namespace: string,
    timestamp: number,
    properties: Record<string, string>,
    directives: Directive[],
  ) {
    if (this.flushed) return undefined;
    this.flushed = true;
    return emfLine({ namespace, timestamp, properties, directives });
  }
}

export const LAUNCH_FUNCTION = "serversCreate";

/** created/reused for launches, ok for any other success, client_error or server_error. */
export function outcomeOf(fn: string, status: number): string {
  if (status >= 500) return "server_error";
  if (status >= 400) return "client_error";
  if (fn === LAUNCH_FUNCTION) return status === 201 ? "created" : "reused";
  return "ok";
}

/** 1xxx user errors, 2xxx generic HTTP, 3xxx session and upstream failures (docs/spec.md). */
export const errorFamily = (code: number) => `${String(code).slice(0, 1)}xxx`;

/**
 * The invocation running now. A Lambda container serves one invocation at a time, so a module
 * variable is enough; AsyncLocalStorage would be exact for in-process concurrency (tests) but, on
 * Node 20, its promise hooks slow every await (measured: 2000 awaits, 7 ms -> 40 ms).
 */
let current: InvocationMetrics | undefined;

/** The running invocation's metrics, if any (code outside a handler records nothing). */
export const currentMetrics = (): InvocationMetrics | undefined => current;

export const countEvent = (name: EventMetric, value = 1) => current?.count(name, value);

/** Runs an invocation with its own metrics. */
export async function withMetrics<T>(
  fn: string,
  run: (m: InvocationMetrics) => Promise<T>,
): Promise<T> {
  const m = new InvocationMetrics(fn);
  const outer = current;
  current = m;
  try {
    return await run(m);
  } finally {
    if (current === m) current = outer;
  }
}

/** Prints a line when metrics are on (at most one per invocation). */
export function emit(line: string | undefined, settings: MetricsSettings) {
  if (line !== undefined && settings.enabled) metricsOutput.write(line);
}

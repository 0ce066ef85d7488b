/**
 * Structured JSON logs, one line per record, in pino's format: {"level":"info","time":...,
 * "service":...,<bindings>,<fields>,"msg":...}. pino wrote them until its streams, transports and
 * compiled redaction proved to cost ~5 ms of every cold start (issue 16); this writer keeps its
 * records, redaction rules and error serializer (test/unit/obs/log.test.ts compares the lines with
 * pino's). Secrets are redacted by path, and handlers never log headers or users whole.
 */
import { writeSync } from "node:fs";
import { err as serializeError } from "pino-std-serializers";
import { redactDeep } from "./redact.js";

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
type Level = keyof typeof LEVELS;

interface LogFn {
  (fields: object, msg?: string): void;
  (msg: string): void;
}

export type Logger = { [L in Level]: LogFn } & {
  child(bindings: Record<string, unknown>): Logger;
};

/** Where lines go; a Node Writable will do (tests pass one). */
export interface LogDestination {
  write(line: string): unknown;
}

/** Anything that could carry a token, wherever it sits in a log record (pino's path syntax). */
const REDACT = [
  "headers",
  "*.headers",
  "authorization",
  "*.authorization",
  "*.Authorization",
  "token",
  "*.token",
  "*.accessToken",
  "*.refreshToken",
  "*.gitToken",
  "*.idToken",
  "*.password",
  "*.secret",
  "*.client_secret",
  "*.service_token",
];
const CENSOR = "[redacted]";
/** "key": the field's whole value; "*.key": that key in any field's value. */
const REDACT_FIELD = new Set(REDACT.filter((p) => !p.startsWith("*.")));
const REDACT_NESTED = REDACT.filter((p) => p.startsWith("*.")).map((p) => p.slice(2));

// Upstream and fetch errors may quote a token in their message: scrubbed before logging.
const SERIALIZERS: Record<string, (value: unknown) => unknown> = {
  err: (err) => redactDeep(serializeError(err as Error)),
};

function redacted(key: string, value: unknown): unknown {
  if (REDACT_FIELD.has(key)) return CENSOR;
  if (typeof value !== "object" || value === null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const nested of REDACT_NESTED) {
    if (!Object.hasOwn(value, nested)) continue;
    copy ??= (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
    copy[nested] = CENSOR;
  }
  return copy ?? value;
}

/** A record's fields as they are written: serialized, redacted, undefined ones left out. */
function prepare(fields: object, into: Record<string, unknown>): void {
  for (const [key, raw] of Object.entries(fields)) {
    if (raw === undefined) continue;
    const serialize = SERIALIZERS[key];
    into[key] = redacted(key, serialize ? serialize(raw) : raw);
  }
}

/** JSON.stringify, and for what it cannot write (cycles, BigInt) a tolerant copy instead of a throw. */
function toJson(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record);
  } catch {
    const seen = new WeakSet<object>();
    return JSON.stringify(record, (_key, value: unknown) => {
      if (typeof value === "bigint") return value.toString();
      if (typeof value !== "object" || value === null) return value;
      if (seen.has(value)) return "[Circular]";
      seen.add(value);
      return value;
    });
  }
}

/** Descriptor 1, as Lambda forwards it to CloudWatch Logs: no process.stdout to set up first. */
let queued = false;
const stdout: LogDestination = {
  write(line) {
    const bytes = Buffer.from(line);
    // Once the stream holds queued bytes, every later line goes behind them, never between.
    if (queued) {
      process.stdout.write(bytes);
      return;
    }
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(1, bytes, done);
    } catch {
      // A non-blocking pipe that is full (EAGAIN): the stream queues the rest.
      queued = true;
      process.stdout.write(bytes.subarray(done));
    }
  },
};

function build(min: number, destination: LogDestination, bindings: Record<string, unknown>) {
  const log = {} as Logger;
  for (const [label, value] of Object.entries(LEVELS) as [Level, number][]) {
    log[label] =
      value < min
        ? () => {}
        : (first: object | string, message?: string) => {
            const record: Record<string, unknown> = {
              level: label,
              time: new Date().toISOString(),
              ...bindings,
            };
            let msg = message;
            if (typeof first === "string") msg = first;
            else if (first instanceof Error) {
              prepare({ err: first }, record);
              msg ??= first.message;
            } else if (first !== null && first !== undefined) {
              prepare(first, record);
              // As pino: a record with an error and no message takes the error's.
              const { err, msg: field } = first as { err?: { message?: string }; msg?: unknown };
              if (msg === undefined && field === undefined && err) msg = err.message;
            }
            if (msg !== undefined) record.msg = msg;
            destination.write(`${toJson(record)}\n`);
          };
  }
  log.child = (more) => {
    const merged = { ...bindings };
    // As pino: these names are its options, never bound fields.
    const { level: _l, serializers: _s, formatters: _f, customLevels: _c, ...fields } = more;
    prepare(fields, merged);
    return build(min, destination, merged);
  };
  return log;
}

export function createLogger(level: string, destination: LogDestination = stdout): Logger {
  const min = level === "silent" ? Number.POSITIVE_INFINITY : LEVELS[level as Level];
  if (min === undefined) throw new Error(`unknown log level "${level}"`);
  return build(min, destination, { service: "renku-notebooks" });
}

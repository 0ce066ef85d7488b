/**
 * lib/obs/log.ts writes the records pino wrote with the configuration the service had: the same
 * fields, levels, error serialization and redaction, for any record (times aside).
 */
import fc from "fast-check";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../lib/obs/log.js";
import { redactDeep } from "../../../lib/obs/redact.js";

/** The service's pino configuration before lib/obs/log.ts replaced it. */
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
const withPino = (level: string, destination: { write(line: string): void }) =>
  pino(
    {
      level,
      base: { service: "renku-notebooks" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: "[redacted]" },
      serializers: { err: (err: unknown) => redactDeep(pino.stdSerializers.err(err as Error)) },
    },
    destination,
  );

type Call = { level: "debug" | "info" | "warn" | "error"; fields?: object; msg?: string };

function linesOf(make: typeof createLogger, level: string, calls: Call[], bindings?: object) {
  const lines: string[] = [];
  const root = make(level, { write: (line: string) => lines.push(line) });
  const log = bindings ? root.child(bindings as Record<string, unknown>) : root;
  for (const { level: at, fields, msg } of calls) {
    if (fields === undefined) log[at](msg ?? "");
    else log[at](fields, msg);
  }
  return lines.map((line) => {
    expect(line.endsWith("\n")).toBe(true);
    const { time, ...rest } = JSON.parse(line) as Record<string, unknown>;
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    return rest;
  });
}

const same = (level: string, calls: Call[], bindings?: object) =>
  expect(linesOf(createLogger, level, calls, bindings)).toEqual(
    linesOf(withPino as unknown as typeof createLogger, level, calls, bindings),
  );

const KEYS = [
  "headers",
  "authorization",
  "Authorization",
  "token",
  "accessToken",
  "gitToken",
  "password",
  "client_secret",
  "user",
  "gitlab",
  "err",
  "msg",
  "level",
  "server",
];
const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 }));
const secretish = fc.constantFrom("Bearer abc.def", "glpat-0123456789abcdef", "token xyz", "ok");
const leaf = fc.oneof(
  fc.string({ maxLength: 8 }),
  secretish,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    leaf,
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(key, tie("node"), { maxKeys: 4, noNullPrototype: true }),
  ),
})).node;
const error = secretish.map((text) => Object.assign(new Error(`failed: ${text}`), { status: 502 }));
const fields = fc.oneof(
  fc.dictionary(key, value, { maxKeys: 5, noNullPrototype: true }),
  fc.record({ err: error, server: fc.string({ maxLength: 5 }) }, { requiredKeys: ["err"] }),
);
const call: fc.Arbitrary<Call> = fc.record(
  {
    level: fc.constantFrom("debug", "info", "warn", "error"),
    fields,
    msg: fc.string({ maxLength: 10 }),
  },
  { requiredKeys: ["level"] },
);

describe("the logger", () => {
  it("writes what pino wrote, for any record", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("debug", "info", "error", "silent"),
        fc.array(call, { maxLength: 4 }),
        fc.option(fc.dictionary(key, value, { maxKeys: 3, noNullPrototype: true }), {
          nil: undefined,
        }),
        (level, calls, bindings) => {
          same(level, calls, bindings);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("redacts secrets by path and in error messages", () => {
    const [line] = linesOf(createLogger, "info", [
      {
        level: "error",
        fields: {
          headers: { cookie: "c" },
          gitlab: { token: "t", path: "/p" },
          err: new Error("GitLab said: Bearer glpat-abc"),
        },
      },
    ]);
    expect(line).toMatchObject({
      level: "error",
      service: "renku-notebooks",
      headers: "[redacted]",
      gitlab: { token: "[redacted]", path: "/p" },
      err: { type: "Error", message: "GitLab said: Bearer [redacted]" },
    });
  });

  it("takes an Error as the record's err, and binds a child's fields to every line", () => {
    same("info", [{ level: "warn", fields: new Error("boom") }], { requestId: "r1", token: "x" });
  });
});

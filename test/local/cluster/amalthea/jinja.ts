/**
 * A nunjucks environment that renders Amalthea's Jinja2 templates as the operator's Jinja2 does:
 * `jinja2.Environment(loader=FileSystemLoader(...))` plus a `b64encode` filter, no autoescape, the
 * default (lenient) Undefined, and Jinja's built-in `tojson` and `none` test, which nunjucks lacks.
 */
import { fileURLToPath } from "node:url";
import nunjucks from "nunjucks";

export const TEMPLATE_DIR = fileURLToPath(new URL("./templates/", import.meta.url));

/**
 * Where nunjucks and Jinja2 disagree on values, the compiled templates call into nunjucks' runtime
 * module, which has no per-environment hook; these two follow Python instead:
 * - printing None gives "None" and booleans "True"/"False" (nunjucks prints "" and "true");
 * - `x in <undefined>` is false, as iterating Jinja's Undefined yields nothing (nunjucks throws).
 */
const runtime = nunjucks.runtime as unknown as {
  suppressValue: (val: unknown, autoescape: boolean) => unknown;
  inOperator: (key: unknown, val: unknown) => boolean;
};
const suppressValue = runtime.suppressValue;
const inOperator = runtime.inOperator;
runtime.suppressValue = (val, autoescape) => {
  if (val === null) return "None";
  if (typeof val === "boolean") return val ? "True" : "False";
  return suppressValue(val, autoescape);
};
runtime.inOperator = (key, val) => (val === undefined ? false : inOperator(key, val));

/** Jinja's `tojson`: json.dumps with sorted keys, then <, >, & and ' escaped for HTML. */
export function jinjaToJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return pyJsonDumps(sorted(value))
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/'/g, "\\u0027");
}

/** Python's `json.dumps` defaults: ", " and ": " separators, non-ASCII escaped. */
export function pyJsonDumps(value: unknown): string {
  if (value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyJsonDumps(k)}: ${pyJsonDumps(v)}`)
      .join(", ")}}`;
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export function templateEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATE_DIR), {
    autoescape: false,
  });
  env.addFilter("b64encode", (x: unknown) => {
    if (typeof x !== "string") throw new Error(`'${pyType(x)}' object has no attribute 'encode'`);
    return Buffer.from(x, "utf8").toString("base64");
  });
  env.addFilter("tojson", jinjaToJson);
  // addTest exists in nunjucks 3.2 but not in its typings.
  (env as unknown as { addTest: (n: string, f: (x: unknown) => boolean) => void }).addTest(
    "none",
    (x) => x === null,
  );
  return env;
}

function pyType(x: unknown): string {
  if (x === null) return "NoneType";
  if (x === undefined) return "Undefined";
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (typeof x === "boolean") return "bool";
  return Array.isArray(x) ? "list" : "dict";
}

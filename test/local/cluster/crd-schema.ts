/**
 * A CRD's openAPIV3Schema (JupyterServer, AmaltheaSession), applied the way kube-apiserver applies
 * a structural schema: prune unknown fields and non-nullable nulls, apply `default`s, validate
 * (ajv), check `self == oldSelf` transition rules on updates, report causes by field path.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parse } from "yaml";
import type { StatusCause } from "./status.js";

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  default?: unknown;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  [key: string]: unknown;
}

/** A copy of shared/spec/jupyterserver-crd.yaml ships beside this file so the stand-in is self-contained. */
export const CRD_PATH = fileURLToPath(new URL("./crd/jupyterserver-crd.yaml", import.meta.url));
/** A copy of shared/spec/amaltheasession-crd.yaml (Amalthea 0.31.0). */
export const AMALTHEASESSION_CRD_PATH = fileURLToPath(
  new URL("./crd/amaltheasession-crd.yaml", import.meta.url),
);

/** Go's time.ParseDuration syntax ("90s", "1h30m", "0"), which kube-openapi's `duration` accepts. */
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+)$/;
/** RFC 3339 date-time, as kube-openapi's `date-time` format checks it. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

interface CrdDoc {
  spec: {
    versions: Array<{
      name: string;
      schema: { openAPIV3Schema: Schema };
      additionalPrinterColumns?: PrinterColumn[];
    }>;
  };
}

export interface PrinterColumn {
  name: string;
  type: string;
  description?: string;
  jsonPath: string;
  priority?: number;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const subSchema = (v: unknown): v is Schema => isObj(v);

/**
 * int-or-string has no `type`; ajv needs it spelled out. OpenAPI 3.0's boolean
 * exclusiveMinimum/exclusiveMaximum become draft-07's numeric ones.
 */
function forAjv(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (schema["x-kubernetes-int-or-string"]) out.anyOf = [{ type: "integer" }, { type: "string" }];
  for (const [bound, exclusive] of [
    ["minimum", "exclusiveMinimum"],
    ["maximum", "exclusiveMaximum"],
  ] as const) {
    if (schema[exclusive] === true) {
      out[exclusive] = schema[bound];
      delete out[bound];
    } else if (schema[exclusive] === false) delete out[exclusive];
  }
  if (subSchema(schema.additionalProperties))
    out.additionalProperties = forAjv(schema.additionalProperties);
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, forAjv(v)]),
    );
  }
  if (schema.items) out.items = forAjv(schema.items);
  if (Array.isArray(schema.oneOf)) out.oneOf = (schema.oneOf as Schema[]).map(forAjv);
  return out;
}

/**
 * Removes fields the schema does not know, unless it preserves unknown fields there, and nulls
 * where the schema does not say `nullable` (apiserver drops those before defaulting).
 */
export function prune(value: unknown, schema: Schema, root = false): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const v of value) prune(v, schema.items);
    return;
  }
  if (!isObj(value)) return;
  const props = schema.properties;
  if (!props) {
    // A map: its values follow additionalProperties.
    const values = schema.additionalProperties;
    if (subSchema(values) && !schema["x-kubernetes-preserve-unknown-fields"])
      for (const v of Object.values(value)) prune(v, values);
    return;
  }
  for (const key of Object.keys(value)) {
    if (root && (key === "apiVersion" || key === "kind" || key === "metadata")) continue;
    const sub = props[key];
    if (!sub) {
      if (!schema["x-kubernetes-preserve-unknown-fields"]) delete value[key];
    }
    // A null where the schema says neither nullable nor default goes (the apiserver's
    // PruneNonNullableNullsWithoutDefaults); one with a default is defaulted below.
    else if (value[key] === null && !sub.nullable && sub.default === undefined) delete value[key];
    else prune(value[key], sub);
  }
}

/** Fills absent properties from the schema's `default`s, depth first, like apiserver's defaulting. */
export function applyDefaults(value: unknown, schema: Schema): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const v of value) applyDefaults(v, schema.items);
    return;
  }
  if (!isObj(value) || !schema.properties) return;
  for (const [key, sub] of Object.entries(schema.properties)) {
    const absent = value[key] === undefined || (value[key] === null && !sub.nullable);
    if (absent && sub.default !== undefined) value[key] = structuredClone(sub.default);
    if (value[key] !== undefined) applyDefaults(value[key], sub);
  }
}

/** "/spec/patches/0/type" -> "spec.patches[0].type" */
function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split("/").slice(1);
  if (extra) parts.push(extra);
  let out = "";
  for (const p of parts) {
    const seg = p.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

function jsType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function toCause(e: ErrorObject): StatusCause | undefined {
  const field = fieldPath(e.instancePath);
  const v = e.data;
  switch (e.keyword) {
    case "type":
      return {
        reason: "FieldValueTypeInvalid",
        message: `Invalid value: "${jsType(v)}": ${field} in body must be of type ${String(e.params.type)}: "${jsType(v)}"`,
        field,
      };
    case "anyOf": // only int-or-string uses anyOf here
      return {
        reason: "FieldValueTypeInvalid",
        message: `Invalid value: "${jsType(v)}": ${field} in body must be of type integer,string: "${jsType(v)}"`,
        field,
      };
    case "maximum":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(v)}: ${field} in body should be less than or equal to ${String(e.params.limit)}`,
        field,
      };
    case "exclusiveMaximum":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(v)}: ${field} in body should be less than ${String(e.params.limit)}`,
        field,
      };
    case "exclusiveMinimum":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(v)}: ${field} in body should be greater than ${String(e.params.limit)}`,
        field,
      };
    case "pattern":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(v)}: ${field} in body should match '${String(e.params.pattern)}'`,
        field,
      };
    case "format":
      return {
        reason: "FieldValueTypeInvalid",
        message: `Invalid value: ${JSON.stringify(v)}: ${field} in body must be of type ${String(e.params.format)}: ${JSON.stringify(v)}`,
        field,
      };
    case "minimum":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(v)}: ${field} in body should be greater than or equal to ${String(e.params.limit)}`,
        field,
      };
    case "enum":
      return {
        reason: "FieldValueNotSupported",
        message: `Unsupported value: ${JSON.stringify(v)}: supported values: ${(e.params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ")}`,
        field,
      };
    case "required": {
      const f = fieldPath(e.instancePath, String(e.params.missingProperty));
      return { reason: "FieldValueRequired", message: "Required value", field: f };
    }
    case "oneOf":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(v)}: ${field} in body must validate one and only one schema (oneOf)`,
        field,
      };
    default:
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${e.message ?? "invalid"}`,
        field,
      };
  }
}

export class CrdSchema {
  readonly schema: Schema;
  readonly printerColumns: PrinterColumn[];
  private readonly validateFn: ValidateFunction;

  constructor(path = CRD_PATH) {
    const doc = parse(readFileSync(path, "utf8")) as CrdDoc;
    const version = doc.spec.versions[0];
    if (!version) throw new Error(`no version in ${path}`);
    this.schema = version.schema.openAPIV3Schema;
    this.printerColumns = version.additionalPrinterColumns ?? [];
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    for (const k of [
      "x-kubernetes-preserve-unknown-fields",
      "x-kubernetes-int-or-string",
      "x-kubernetes-validations",
      "x-kubernetes-list-type",
      "x-kubernetes-list-map-keys",
      "x-kubernetes-map-type",
    ])
      ajv.addKeyword(k);
    ajv.addFormat("duration", GO_DURATION);
    ajv.addFormat("date-time", DATE_TIME);
    // kube-openapi checks formats on strings only; int32/int64 on integers are not range-checked.
    ajv.addFormat("int32", true);
    ajv.addFormat("int64", true);
    this.validateFn = ajv.compile(forAjv(this.schema));
  }

  /**
   * Prunes and defaults `obj` in place, then returns the validation causes (empty when valid).
   * With `old` (an update), the CEL transition rules run too.
   */
  admit(obj: Record<string, unknown>, old?: Record<string, unknown>): StatusCause[] {
    prune(obj, this.schema, true);
    applyDefaults(obj, this.schema);
    const causes: StatusCause[] = old ? transitionCauses(this.schema, obj, old, "") : [];
    if (this.validateFn(obj)) return causes;
    const errors = this.validateFn.errors ?? [];
    for (const e of errors) {
      // Branch failures inside oneOf/anyOf are summarised by the oneOf/anyOf error itself.
      if (/\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath)) continue;
      const c = toCause(e);
      if (c && !causes.some((x) => x.field === c.field && x.message === c.message)) causes.push(c);
    }
    return causes;
  }
}

interface CelRule {
  rule: string;
  message?: string;
  reason?: string;
}

const deepEqual = (a: unknown, b: unknown) =>
  JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}

/**
 * The x-kubernetes-validations this cluster can evaluate: the transition rule `self == oldSelf`
 * (immutability). Like CEL transition rules, they run only where both the old and the new value
 * exist, and only along object properties (list items and map values are not correlated here).
 * Any other rule is not evaluated (docs/local-cluster.md lists them).
 */
function transitionCauses(
  schema: Schema,
  value: unknown,
  old: unknown,
  path: string,
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (value === undefined || old === undefined) return causes;
  const rules = (schema["x-kubernetes-validations"] ?? []) as CelRule[];
  for (const r of rules) {
    if (r.rule.replace(/\s+/g, "") !== "self==oldSelf" || deepEqual(value, old)) continue;
    const type = schema.type ?? "object";
    causes.push({
      reason: r.reason ?? "FieldValueInvalid",
      message: `Invalid value: "${type}": ${r.message ?? `failed rule: ${r.rule}`}`,
      field: path,
    });
  }
  if (isObj(value) && isObj(old) && schema.properties)
    for (const [key, sub] of Object.entries(schema.properties)) {
      causes.push(...transitionCauses(sub, value[key], old[key], path ? `${path}.${key}` : key));
    }
  return causes;
}

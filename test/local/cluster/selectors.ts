/** Label selectors (the full string grammar of k8s.io/apimachinery/pkg/labels) and field selectors. */
import { labelKeyErrors, labelValueErrors } from "./names.js";
import { badRequest } from "./status.js";
import type { KObject } from "./types.js";

export type Operator = "=" | "!=" | "in" | "notin" | "exists" | "!" | ">" | "<";

export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

const fail = (msg: string) => badRequest(`unable to parse requirement: ${msg}`);

/** Splits on commas that are not inside a parenthesised value set. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function checkKey(key: string): void {
  const errs = labelKeyErrors(key);
  if (errs.length) throw fail(`Invalid value: ${JSON.stringify(key)}: ${errs.join("; ")}`);
}

function checkValue(v: string): void {
  const errs = labelValueErrors(v);
  if (errs.length) throw fail(`Invalid value: ${JSON.stringify(v)}: ${errs.join("; ")}`);
}

function parseOne(raw: string): Requirement {
  const s = raw.trim();
  if (s === "") throw fail("found '', expected: !, identifier, or 'end of string'");
  if (s.startsWith("!")) {
    const key = s.slice(1).trim();
    checkKey(key);
    return { key, op: "!", values: [] };
  }
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(s);
  if (set) {
    const key = set[1] as string;
    checkKey(key);
    const values = (set[3] as string)
      .split(",")
      .map((v) => v.trim())
      .filter((v, _i, all) => v !== "" || all.length === 1);
    for (const v of values) checkValue(v);
    return { key, op: set[2] as Operator, values };
  }
  const cmp = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(s);
  if (cmp) {
    const key = cmp[1] as string;
    checkKey(key);
    const value = (cmp[3] as string).trim();
    const op = cmp[2] === "==" ? "=" : (cmp[2] as Operator);
    if (op === ">" || op === "<") {
      if (!/^-?\d+$/.test(value))
        throw fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
    } else checkValue(value);
    return { key, op, values: [value] };
  }
  if (/^\S+$/.test(s)) {
    checkKey(s);
    return { key: s, op: "exists", values: [] };
  }
  throw fail(`found '${s}', expected: in, notin, =, ==, !=, gt, lt`);
}

export function parseLabelSelector(selector: string | undefined): Requirement[] {
  if (!selector || selector.trim() === "") return [];
  return splitTopLevel(selector).map(parseOne);
}

export function matchesLabels(
  reqs: Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case "=":
        if (!has || v !== r.values[0]) return false;
        break;
      case "!=":
        if (has && v === r.values[0]) return false;
        break;
      case "in":
        if (!has || !r.values.includes(v as string)) return false;
        break;
      case "notin":
        if (has && r.values.includes(v as string)) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "!":
        if (has) return false;
        break;
      case ">":
      case "<": {
        if (!has || !/^-?\d+$/.test(v as string)) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        if (r.op === ">" ? !(n > bound) : !(n < bound)) return false;
      }
    }
  }
  return true;
}

export interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
}

/** Fields each kind supports in fieldSelector (metadata.* everywhere). */
const EXTRA_FIELDS: Record<string, string[]> = {
  Event: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  Pod: [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "status.phase",
    "status.podIP",
  ],
  Secret: ["type"],
};

export function parseFieldSelector(selector: string | undefined, kind: string): FieldRequirement[] {
  if (!selector || selector.trim() === "") return [];
  const allowed = ["metadata.name", "metadata.namespace", ...(EXTRA_FIELDS[kind] ?? [])];
  return selector.split(",").map((raw) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${raw}'`);
    const field = m[1] as string;
    if (!allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, negate: m[2] === "!=", value: m[3] as string };
  });
}

function fieldValue(obj: KObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return "";
    cur = (cur as Record<string, unknown>)[part];
  }
  if (path === "source" && cur && typeof cur === "object")
    return String((cur as { component?: string }).component ?? "");
  return cur === undefined || cur === null ? "" : String(cur);
}

export function matchesFields(reqs: FieldRequirement[], obj: KObject): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate);
}

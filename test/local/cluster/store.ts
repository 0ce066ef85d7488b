/**
 * In-memory object storage with a global resourceVersion counter and an index by label pair,
 * so a list for one `renku.io/safe-username=<x>` among thousands touches only that user's objects.
 */

import type { FieldRequirement, Requirement } from "./selectors.js";
import { matchesFields, matchesLabels } from "./selectors.js";
import { badRequest } from "./status.js";
import type { KObject, ResourceDef } from "./types.js";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";
export type ChangeListener = (type: ChangeType, def: ResourceDef, obj: KObject) => void;

const rkey = (def: ResourceDef) => `${def.group}/${def.resource}`;
const okey = (ns: string | undefined, name: string) => `${ns ?? ""}/${name}`;

interface Bucket {
  objects: Map<string, KObject>;
  byLabel: Map<string, Set<string>>;
}

export interface ListOptions {
  namespace?: string;
  labels?: Requirement[];
  fields?: FieldRequirement[];
  limit?: number;
  continueToken?: string;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export class Store {
  private rv = 1000;
  private readonly buckets = new Map<string, Bucket>();
  private readonly listeners: ChangeListener[] = [];

  onChange(fn: ChangeListener): void {
    this.listeners.push(fn);
  }

  /** Like onChange, but can be undone (watch streams come and go). */
  subscribe(fn: ChangeListener): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  matches(obj: KObject, labels: Requirement[], fields: FieldRequirement[]): boolean {
    return matchesLabels(labels, obj.metadata.labels) && matchesFields(fields, obj);
  }

  nextResourceVersion(): string {
    this.rv += 1;
    return String(this.rv);
  }

  currentResourceVersion(): string {
    return String(this.rv);
  }

  private bucket(def: ResourceDef): Bucket {
    const k = rkey(def);
    let b = this.buckets.get(k);
    if (!b) {
      b = { objects: new Map(), byLabel: new Map() };
      this.buckets.set(k, b);
    }
    return b;
  }

  /** The stored object itself (callers must not mutate it; use `get` for a copy). */
  peek(def: ResourceDef, ns: string | undefined, name: string): KObject | undefined {
    return this.bucket(def).objects.get(okey(def.namespaced ? ns : undefined, name));
  }

  get(def: ResourceDef, ns: string | undefined, name: string): KObject | undefined {
    const o = this.peek(def, ns, name);
    return o ? structuredClone(o) : undefined;
  }

  /** Stores `obj` (taking ownership), stamping a new resourceVersion. */
  put(def: ResourceDef, obj: KObject, notify = true): KObject {
    const b = this.bucket(def);
    const k = okey(def.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
    const prev = b.objects.get(k);
    if (prev) this.unindex(b, k, prev);
    obj.metadata.resourceVersion = this.nextResourceVersion();
    b.objects.set(k, obj);
    this.index(b, k, obj);
    if (notify) for (const l of [...this.listeners]) l(prev ? "MODIFIED" : "ADDED", def, obj);
    return obj;
  }

  remove(def: ResourceDef, ns: string | undefined, name: string): KObject | undefined {
    const b = this.bucket(def);
    const k = okey(def.namespaced ? ns : undefined, name);
    const prev = b.objects.get(k);
    if (!prev) return undefined;
    this.unindex(b, k, prev);
    b.objects.delete(k);
    prev.metadata.resourceVersion = this.nextResourceVersion();
    for (const l of [...this.listeners]) l("DELETED", def, prev);
    return prev;
  }

  /** Every stored object of a type (live references; for the simulator and garbage collector). */
  all(def: ResourceDef): KObject[] {
    return [...this.bucket(def).objects.values()];
  }

  count(def: ResourceDef): number {
    return this.bucket(def).objects.size;
  }

  list(def: ResourceDef, opts: ListOptions = {}): ListResult {
    const b = this.bucket(def);
    const eq = (opts.labels ?? []).filter(
      (r) => r.op === "=" || (r.op === "in" && r.values.length === 1),
    );
    let keys: Iterable<string>;
    if (eq.length > 0) {
      // Narrow through the smallest equality index, then filter the rest.
      let best: Set<string> | undefined;
      for (const r of eq) {
        const s = b.byLabel.get(`${r.key}=${r.values[0]}`) ?? new Set<string>();
        if (!best || s.size < best.size) best = s;
      }
      keys = best ?? [];
    } else keys = b.objects.keys();
    const prefix = opts.namespace !== undefined ? `${opts.namespace}/` : undefined;
    const matched: string[] = [];
    for (const k of keys) {
      if (prefix && !k.startsWith(prefix)) continue;
      const o = b.objects.get(k);
      if (!o) continue;
      if (opts.labels?.length && !matchesLabels(opts.labels, o.metadata.labels)) continue;
      if (opts.fields?.length && !matchesFields(opts.fields, o)) continue;
      matched.push(k);
    }
    matched.sort();
    let start = 0;
    if (opts.continueToken) {
      const after = decodeContinue(opts.continueToken);
      start = matched.findIndex((k) => k > after);
      if (start < 0) start = matched.length;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : matched.length;
    const page = matched.slice(start, start + limit);
    const result: ListResult = {
      items: page.map((k) => structuredClone(b.objects.get(k) as KObject)),
      resourceVersion: this.currentResourceVersion(),
    };
    const remaining = matched.length - (start + page.length);
    const last = page[page.length - 1];
    if (remaining > 0 && last !== undefined) {
      result.continueToken = encodeContinue(last, this.currentResourceVersion());
      result.remainingItemCount = remaining;
    }
    return result;
  }

  private index(b: Bucket, k: string, o: KObject): void {
    for (const [lk, lv] of Object.entries(o.metadata.labels ?? {})) {
      const ik = `${lk}=${lv}`;
      let s = b.byLabel.get(ik);
      if (!s) {
        s = new Set();
        b.byLabel.set(ik, s);
      }
      s.add(k);
    }
  }

  private unindex(b: Bucket, k: string, o: KObject): void {
    for (const [lk, lv] of Object.entries(o.metadata.labels ?? {}))
      b.byLabel.get(`${lk}=${lv}`)?.delete(k);
  }
}

function encodeContinue(lastKey: string, rv: string): string {
  return Buffer.from(
    JSON.stringify({ v: "meta.k8s.io/v1", rv: Number(rv), start: lastKey }),
  ).toString("base64url");
}

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      start?: unknown;
    };
    if (typeof parsed.start === "string") return parsed.start;
  } catch {
    // fall through
  }
  throw badRequest(
    "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
  );
}

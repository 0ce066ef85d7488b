/** In-memory stand-ins for the autosave ports (pure-logic tests only; the HTTP ones use the double). */
import { Writable } from "node:stream";
import { pino } from "pino";
import {
  type AutosaveGitLab,
  type BranchInfo,
  LedgerConflictError,
  type LedgerEntry,
  type LedgerStore,
} from "../../../lib/autosave/index.js";

/** Lets other pending work run, so concurrent callers interleave as they would over the network. */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface FakeCommit {
  id: string;
  parents: string[];
  date: string;
}

/** A GitLab with projects, branches and a commit graph; branch search follows GitLab's ^ and $. */
export class FakeGitLab implements AutosaveGitLab {
  readonly projects = new Map<number, { path: string; branches: Map<string, BranchInfo> }>();
  readonly commits = new Map<string, FakeCommit>();
  readonly calls: string[] = [];
  /** Calls in flight now, and the most seen at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** Per-project failure to inject on listBranches / deleteBranch. */
  failList = new Set<number>();
  failDelete = new Set<string>();
  /** When set, deleteBranch calls past this many never settle (a process killed mid-run). */
  hangDeletesAfter: number | undefined;
  deleteCount = 0;

  addProject(id: number, path: string): this {
    this.projects.set(id, { path, branches: new Map() });
    return this;
  }

  addBranch(projectId: number, name: string, date: string, id = "f".repeat(40)): this {
    this.project(projectId).branches.set(name, { name, commit: { id, committed_date: date } });
    return this;
  }

  addCommit(id: string, parents: string[] = [], date = "2024-01-01T00:00:00.000Z"): this {
    this.commits.set(id, { id, parents, date });
    return this;
  }

  branchNames(projectId: number): string[] {
    return [...this.project(projectId).branches.keys()].sort();
  }

  private project(id: number) {
    const p = this.projects.get(id);
    if (!p) throw new Error(`no project ${id}`);
    return p;
  }

  private async enter<T>(label: string, work: () => T): Promise<T> {
    this.calls.push(label);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await tick();
      return work();
    } finally {
      this.inFlight--;
    }
  }

  async getProject(path: string) {
    return this.enter(`getProject ${path}`, () => {
      for (const [id, p] of this.projects) {
        if (p.path === path) return { id, path_with_namespace: p.path };
      }
      return undefined;
    });
  }

  async listBranches(projectId: number, search: string) {
    return this.enter(`listBranches ${projectId}`, () => {
      if (this.failList.has(projectId))
        throw Object.assign(new Error("GitLab is unavailable"), { status: 503 });
      const p = this.projects.get(projectId);
      if (!p) throw Object.assign(new Error("404 Project Not Found"), { status: 404 });
      return [...p.branches.values()]
        .filter((b) => matchesSearch(b.name, search))
        .map((b) => structuredClone(b));
    });
  }

  async deleteBranch(projectId: number, name: string): Promise<"deleted" | "missing"> {
    if (this.hangDeletesAfter !== undefined && this.deleteCount >= this.hangDeletesAfter) {
      this.calls.push(`deleteBranch(hung) ${name}`);
      return new Promise(() => {});
    }
    this.deleteCount++;
    return this.enter(`deleteBranch ${name}`, () => {
      if (this.failDelete.has(name))
        throw Object.assign(new Error("GitLab refused"), { status: 403 });
      return this.project(projectId).branches.delete(name) ? "deleted" : "missing";
    });
  }

  async mergeBase(_projectId: number, refs: [string, string]) {
    return this.enter(`mergeBase ${refs.join(" ")}`, () => {
      const a = this.resolve(refs[0]);
      const b = this.resolve(refs[1]);
      if (!a || !b) return undefined;
      const ofB = this.ancestors(b);
      // Nearest ancestor of a (breadth-first) that is also an ancestor of b.
      const queue = [a];
      const seen = new Set<string>();
      while (queue.length > 0) {
        const c = queue.shift() as string;
        if (seen.has(c)) continue;
        seen.add(c);
        if (ofB.has(c)) return { id: c };
        queue.push(...(this.commits.get(c)?.parents ?? []));
      }
      return undefined;
    });
  }

  /** A full or unambiguous short SHA, as git resolves it. */
  private resolve(ref: string): string | undefined {
    const hits = [...this.commits.keys()].filter((id) => id.startsWith(ref.toLowerCase()));
    return hits.length === 1 ? hits[0] : undefined;
  }

  private ancestors(id: string): Set<string> {
    const out = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const c = stack.pop() as string;
      if (out.has(c)) continue;
      out.add(c);
      stack.push(...(this.commits.get(c)?.parents ?? []));
    }
    return out;
  }
}

/** GitLab's branch search: `^x` prefix, `x$` suffix, else substring; case-insensitive. */
export function matchesSearch(name: string, search: string): boolean {
  const n = name.toLowerCase();
  let s = search.toLowerCase();
  const start = s.startsWith("^");
  const end = s.endsWith("$");
  if (start) s = s.slice(1);
  if (end) s = s.slice(0, -1);
  if (start && end) return n === s;
  if (start) return n.startsWith(s);
  if (end) return n.endsWith(s);
  return n.includes(s);
}

/** A ConfigMap-like store: a version bumped on every write, and stale writes rejected. */
export class FakeLedgerStore implements LedgerStore {
  entries: LedgerEntry[];
  version = 1;
  writes = 0;
  conflicts = 0;
  /** Forces this many upcoming writes to conflict, whatever their version. */
  forceConflicts = 0;

  constructor(entries: LedgerEntry[] = []) {
    this.entries = structuredClone(entries);
  }

  async read() {
    await tick();
    return { entries: structuredClone(this.entries), version: String(this.version) };
  }

  async write(entries: LedgerEntry[], version: string) {
    await tick();
    if (this.forceConflicts > 0 || version !== String(this.version)) {
      if (this.forceConflicts > 0) this.forceConflicts--;
      this.conflicts++;
      throw new LedgerConflictError();
    }
    this.entries = structuredClone(entries);
    this.version++;
    this.writes++;
  }
}

/** A real pino logger writing parsed records into an array. */
export function captureLog() {
  const records: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split("\n")) if (line) records.push(JSON.parse(line));
      cb();
    },
  });
  return { log: pino({ level: "debug" }, sink), records };
}

export const noPause = async () => {};

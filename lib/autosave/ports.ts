/**
 * What the autosave logic needs from the outside world, as structural interfaces. The GitLab client
 * (lib/gitlab) and the Kubernetes ledger store (lib/k8s) satisfy these without importing this module.
 */

import { describeError, LedgerConflictError } from "../errors.js";

/** A branch as GitLab's branch list returns it (only the fields used here). */
export interface BranchInfo {
  name: string;
  commit: { id: string; committed_date: string };
}

/** The subset of the GitLab client the autosave logic calls. */
export interface AutosaveGitLab {
  /** undefined when the project does not exist or the token cannot see it. */
  getProject(path: string): Promise<{ id: number; path_with_namespace: string } | undefined>;
  /**
   * Every page of `GET /projects/:id/repository/branches?search=<search>` (pagination is the
   * client's). A project that does not exist throws a 404 (isNotFound); one the caller cannot see
   * has no branches ([]). The GitLab client and the test fakes both follow this.
   */
  listBranches(projectId: number, search: string): Promise<BranchInfo[]>;
  /** "missing" when the branch was already gone (404): a delete that someone else finished. */
  deleteBranch(projectId: number, name: string): Promise<"deleted" | "missing">;
  /** `GET /projects/:id/repository/merge_base?refs[]=a&refs[]=b`; undefined when there is none. */
  mergeBase(projectId: number, refs: [string, string]): Promise<{ id: string } | undefined>;
}

/** One project in which a session was launched (D17). */
export interface LedgerEntry {
  projectId: number;
  projectPath: string;
  /** ISO 8601 instant of the most recent launch recorded. */
  lastLaunch: string;
}

/** The ConfigMap ledger (D17): optimistic concurrency on an opaque version (the resourceVersion). */
export interface LedgerStore {
  read(): Promise<{ entries: LedgerEntry[]; version: string }>;
  /** Throws LedgerConflictError when `version` is stale. */
  write(entries: LedgerEntry[], version: string): Promise<void>;
}

/** What a LedgerStore throws when another writer got there first (declared in lib/errors.ts). */
export { LedgerConflictError };

/** A stale-version failure: the store translates its backend's conflict into LedgerConflictError. */
export function isLedgerConflict(err: unknown): boolean {
  return err instanceof LedgerConflictError;
}

/** The logger calls used here (pino's shape), so tests and callers can pass any pino logger. */
export interface AutosaveLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A short, secret-free description of a failure for logs and results (never the cause chain). */
export { describeError };

/** A GitLab "not found" on a project, as the client reports it (an AppError or an HTTP-ish error). */
export function isNotFound(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { status?: unknown; statusCode?: unknown };
  return e.status === 404 || e.statusCode === 404;
}

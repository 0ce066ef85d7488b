/** GET /servers query filters (section 3.4): exact matches on the session view, all given ones ANDed. */
import type { SessionView } from "./view.js";

export interface ServerFilters {
  project?: string | undefined;
  namespace?: string | undefined;
  branch?: string | undefined;
  commit_sha?: string | undefined;
}

/** An absent filter matches; a given one needs the value, lower-cased first for names. */
const same = (actual: string | null | undefined, wanted: string | undefined, folded: boolean) =>
  wanted === undefined ||
  (typeof actual === "string" &&
    (folded ? actual.toLowerCase() === wanted.toLowerCase() : actual === wanted));

export function matchesFilters(view: SessionView, filters: ServerFilters): boolean {
  return (
    same(view.project.name, filters.project, true) &&
    same(view.project.namespace, filters.namespace, true) &&
    same(view.branch, filters.branch, false) &&
    same(view.commitSha, filters.commit_sha, false)
  );
}

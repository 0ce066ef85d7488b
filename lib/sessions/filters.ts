/** GET /servers query filters (section 3.4): exact matches on the session view, all given ones ANDed. */
import type { SessionView } from "./view.js";

export interface ServerFilters {
  project?: string | undefined;
  namespace?: string | undefined;
  branch?: string | undefined;
  commit_sha?: string | undefined;
}

const FILTERS: [keyof ServerFilters, (v: SessionView) => string | undefined, boolean][] = [
  // [query parameter, the view's value, compare lower-cased]
  ["project", (v) => v.project.name, true],
  ["namespace", (v) => v.project.namespace, true],
  ["branch", (v) => v.branch, false],
  ["commit_sha", (v) => v.commitSha, false],
];

export function matchesFilters(view: SessionView, filters: ServerFilters): boolean {
  return FILTERS.every(([param, read, folded]) => {
    const wanted = filters[param];
    if (wanted === undefined) return true;
    const actual = read(view);
    if (typeof actual !== "string") return false;
    return folded ? actual.toLowerCase() === wanted.toLowerCase() : actual === wanted;
  });
}

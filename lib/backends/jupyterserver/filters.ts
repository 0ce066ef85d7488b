/** GET /servers query filters (section 3.4): exact matches on annotations, all given ones ANDed. */
import type { JupyterServer } from "./types.js";

export interface ServerFilters {
  project?: string | undefined;
  namespace?: string | undefined;
  branch?: string | undefined;
  commit_sha?: string | undefined;
}

const FILTERS: [keyof ServerFilters, string, boolean][] = [
  // [query parameter, annotation, compare lower-cased]
  ["project", "renku.io/projectName", true],
  ["namespace", "renku.io/namespace", true],
  ["branch", "renku.io/branch", false],
  ["commit_sha", "renku.io/commit-sha", false],
];

/** Anything with our annotations: both custom resources carry the same ones. */
export function matchesFilters(
  js: { metadata: { annotations?: Record<string, string | null> } },
  filters: ServerFilters,
): boolean {
  const annotations = js.metadata.annotations ?? {};
  return FILTERS.every(([param, key, folded]) => {
    const wanted = filters[param];
    if (wanted === undefined) return true;
    const actual = annotations[key];
    if (typeof actual !== "string") return false;
    return folded ? actual.toLowerCase() === wanted.toLowerCase() : actual === wanted;
  });
}

export function filterServers<T extends JupyterServer>(
  servers: readonly T[],
  filters: ServerFilters,
): T[] {
  return servers.filter((js) => matchesFilters(js, filters));
}

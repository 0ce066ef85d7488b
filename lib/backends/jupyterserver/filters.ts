/** GET /servers query filters (section 3.4) on JupyterServers, through the session view. */
import { type ServerFilters, matchesFilters as viewMatches } from "../../sessions/filters.js";
import type { JupyterServer } from "./types.js";
import { toSessionView, type ViewSource } from "./view.js";

export function matchesFilters(js: ViewSource, filters: ServerFilters): boolean {
  return viewMatches(toSessionView(js), filters);
}

export function filterServers<T extends JupyterServer>(
  servers: readonly T[],
  filters: ServerFilters,
): T[] {
  return servers.filter((js) => matchesFilters(js, filters));
}

/**
 * Where each route of the API lives: its function (id), method and path, without its schemas.
 * ./routes.ts builds the routes on these; the catch-all's 405 answers need only this table, so its
 * bundle, and the autosave functions' that fall back to it, build no schemas.
 */
import type { Method } from "./route.js";

interface Where {
  id: string;
  method: Method;
  path: string;
  root?: boolean;
  greedy?: boolean;
}

export const PATHS = {
  health: { id: "health", method: "GET", path: "/health", root: true },
  version: { id: "version", method: "GET", path: "/version" },
  spec: { id: "spec", method: "GET", path: "/spec.json" },
  docs: { id: "docs", method: "GET", path: "/docs" },
  listServers: { id: "serversList", method: "GET", path: "/servers" },
  getServer: { id: "serversGet", method: "GET", path: "/servers/{server_name}" },
  createServer: { id: "serversCreate", method: "POST", path: "/servers" },
  patchServer: { id: "serversPatch", method: "PATCH", path: "/servers/{server_name}" },
  deleteServer: { id: "serversDelete", method: "DELETE", path: "/servers/{server_name}" },
  serverOptions: { id: "serverOptions", method: "GET", path: "/server_options" },
  logs: { id: "logs", method: "GET", path: "/logs/{server_name}" },
  serverEvents: { id: "serversEvents", method: "GET", path: "/servers/{server_name}/events" },
  images: { id: "images", method: "GET", path: "/images" },
  listAutosaves: {
    id: "autosavesList",
    method: "GET",
    path: "/{namespace_project}/autosave",
    greedy: true,
  },
  deleteAutosave: {
    id: "autosavesDelete",
    method: "DELETE",
    path: "/{namespace_project}/autosave/{autosave_name}",
    greedy: true,
  },
} as const satisfies Record<string, Where>;

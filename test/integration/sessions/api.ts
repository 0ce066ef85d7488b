/** The session endpoints as a caller uses them, through the real handlers and middy stack. */
import { main as logsMain } from "../../../functions/logs.js";
import { main as optionsMain } from "../../../functions/server-options.js";
import { main as deleteMain } from "../../../functions/servers/delete.js";
import { main as eventsMain } from "../../../functions/servers/events.js";
import { main as getMain } from "../../../functions/servers/get.js";
import { main as listMain } from "../../../functions/servers/list.js";
import { main as patchMain } from "../../../functions/servers/patch.js";
import { invoke } from "../../helpers/events.js";

export function sessionsApi(headers: Record<string, string>) {
  const one = (name: string) => ({
    path: `/notebooks/servers/${name}`,
    pathParameters: { server_name: name },
    headers,
  });
  return {
    list: (query?: Record<string, string>) =>
      invoke(listMain, { path: "/notebooks/servers", headers, ...(query ? { query } : {}) }),
    get: (name: string) => invoke(getMain, one(name)),
    stop: (name: string, query?: Record<string, string>) =>
      invoke(deleteMain, { method: "DELETE", ...one(name), ...(query ? { query } : {}) }),
    patch: (name: string, body: unknown) =>
      invoke(patchMain, { method: "PATCH", ...one(name), body }),
    logs: (name: string, query?: Record<string, string>) =>
      invoke(logsMain, {
        path: `/notebooks/logs/${name}`,
        pathParameters: { server_name: name },
        headers,
        ...(query ? { query } : {}),
      }),
    events: (name: string, since?: string) =>
      invoke(eventsMain, {
        path: `/notebooks/servers/${name}/events`,
        pathParameters: { server_name: name },
        headers,
        ...(since === undefined ? {} : { query: { since } }),
      }),
    options: () => invoke(optionsMain, { path: "/notebooks/server_options", headers }),
  };
}

/** Every HTTP endpoint with its route and real handler, and how to address it, for the reliability tests. */
import { main as deleteAutosave } from "../../../functions/autosaves/delete.js";
import { main as listAutosaves } from "../../../functions/autosaves/list.js";
import { main as health } from "../../../functions/health.js";
import { main as images } from "../../../functions/images.js";
import { main as logs } from "../../../functions/logs.js";
import { main as notFound } from "../../../functions/not-found.js";
import { main as serverOptions } from "../../../functions/server-options.js";
import { main as createServer } from "../../../functions/servers/create.js";
import { main as deleteServer } from "../../../functions/servers/delete.js";
import { main as serverEvents } from "../../../functions/servers/events.js";
import { main as getServer } from "../../../functions/servers/get.js";
import { main as listServers } from "../../../functions/servers/list.js";
import { main as patchServer } from "../../../functions/servers/patch.js";
import { main as spec } from "../../../functions/spec.js";
import { main as version } from "../../../functions/version.js";
import type { RouteDef } from "../../../lib/api/route.js";
import * as routes from "../../../lib/api/routes.js";
import { type EventInput, invoke, type Response } from "../../helpers/events.js";

type Main = Parameters<typeof invoke>[0];

export interface Endpoint {
  id: string;
  main: Main;
  route: RouteDef | undefined;
  method: string;
  params: readonly string[];
  /** The public path, with each parameter filled in (encoded as a client would send it). */
  path(params: Record<string, string>): string;
}

const enc = encodeURIComponent;

const ep = (
  main: Main,
  route: RouteDef | undefined,
  params: readonly string[],
  path: (p: Record<string, string>) => string,
  method?: string,
): Endpoint => ({
  id: route?.id ?? "notFound",
  main,
  route,
  method: method ?? route?.method ?? "GET",
  params,
  path,
});

const r = (x: unknown) => x as RouteDef;

export const ENDPOINTS: readonly Endpoint[] = [
  ep(health, r(routes.health), [], () => "/health"),
  ep(version, r(routes.version), [], () => "/notebooks/version"),
  ep(spec, r(routes.spec), [], () => "/notebooks/spec.json"),
  ep(listServers, r(routes.listServers), [], () => "/notebooks/servers"),
  ep(
    getServer,
    r(routes.getServer),
    ["server_name"],
    (p) => `/notebooks/servers/${enc(p.server_name ?? "")}`,
  ),
  ep(createServer, r(routes.createServer), [], () => "/notebooks/servers"),
  ep(
    patchServer,
    r(routes.patchServer),
    ["server_name"],
    (p) => `/notebooks/servers/${enc(p.server_name ?? "")}`,
  ),
  ep(
    deleteServer,
    r(routes.deleteServer),
    ["server_name"],
    (p) => `/notebooks/servers/${enc(p.server_name ?? "")}`,
  ),
  ep(serverOptions, r(routes.serverOptions), [], () => "/notebooks/server_options"),
  ep(logs, r(routes.logs), ["server_name"], (p) => `/notebooks/logs/${enc(p.server_name ?? "")}`),
  ep(
    serverEvents,
    r(routes.serverEvents),
    ["server_name"],
    (p) => `/notebooks/servers/${enc(p.server_name ?? "")}/events`,
  ),
  ep(images, r(routes.images), [], () => "/notebooks/images"),
  ep(
    listAutosaves,
    r(routes.listAutosaves),
    ["namespace_project"],
    (p) => `/notebooks/${enc(p.namespace_project ?? "")}/autosave`,
  ),
  ep(
    deleteAutosave,
    r(routes.deleteAutosave),
    ["namespace_project", "autosave_name"],
    (p) => `/notebooks/${enc(p.namespace_project ?? "")}/autosave/${enc(p.autosave_name ?? "")}`,
  ),
  ep(notFound, undefined, ["proxy"], (p) => `/${p.proxy ?? ""}`),
];

export const endpoint = (id: string): Endpoint => {
  const found = ENDPOINTS.find((e) => e.id === id);
  if (!found) throw new Error(`no endpoint ${id}`);
  return found;
};

export interface Call {
  headers?: Record<string, string>;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  sourceIp?: string;
}

export function call(e: Endpoint, c: Call = {}): Promise<Response> {
  const input: EventInput = {
    method: e.method,
    path: e.path(c.params ?? {}),
    headers: c.headers ?? {},
  };
  if (c.params && Object.keys(c.params).length) input.pathParameters = c.params;
  if (c.query) input.query = c.query;
  if (c.body !== undefined) input.body = c.body;
  if (c.rawBody !== undefined) input.rawBody = c.rawBody;
  if (c.sourceIp !== undefined) input.sourceIp = c.sourceIp;
  return invoke(e.main, input);
}

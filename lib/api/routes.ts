/** Every route of the API (docs/spec.md 1.1). serverless.yml declares the same set; a test checks it. */
import { z } from "zod";
import { defineRoute, type RouteDef } from "../http/route.js";
import * as s from "./schemas.js";

const err = (description: string) => ({ description, schema: s.errorBody });
const unauthorized = { 401: err("No or invalid authentication headers") };
const invalid = { 422: err("Invalid request") };

export const health = defineRoute({
  id: "health",
  method: "GET",
  path: "/health",
  root: true,
  auth: "none",
  summary: "Liveness of the service",
  responses: { 200: { description: "Running", contentType: "text/html", schema: z.string() } },
});

export const version = defineRoute({
  id: "version",
  method: "GET",
  path: "/version",
  auth: "none",
  summary: "Service version and feature flags",
  responses: { 200: { description: "Version", schema: s.versionResponse } },
});

export const spec = defineRoute({
  id: "spec",
  method: "GET",
  path: "/spec.json",
  auth: "none",
  summary: "This OpenAPI document",
  responses: {
    200: { description: "OpenAPI 3 document", schema: z.record(z.string(), z.unknown()) },
  },
});

export const docs = defineRoute({
  id: "docs",
  method: "GET",
  path: "/docs",
  auth: "none",
  summary: "This API as a browsable page (Swagger UI)",
  responses: { 200: { description: "HTML page", contentType: "text/html", schema: z.string() } },
});

export const listServers = defineRoute({
  id: "serversList",
  method: "GET",
  path: "/servers",
  auth: "user",
  summary: "The caller's sessions",
  query: s.listServersQuery,
  responses: {
    200: { description: "Sessions by name", schema: s.serversResponse },
    ...unauthorized,
  },
});

export const getServer = defineRoute({
  id: "serversGet",
  method: "GET",
  path: "/servers/{server_name}",
  auth: "user",
  summary: "One of the caller's sessions",
  params: s.serverNameParams,
  responses: {
    200: { description: "The session", schema: s.notebookResponse },
    ...unauthorized,
    404: err("No such session for this user"),
  },
});

export const createServer = defineRoute({
  id: "serversCreate",
  method: "POST",
  path: "/servers",
  auth: "user",
  summary: "Start a session for a project at a commit",
  body: s.launchBody,
  responses: {
    200: { description: "The session already exists", schema: s.notebookResponse },
    201: { description: "Session created", schema: s.notebookResponse },
    ...unauthorized,
    404: err("Project, branch, commit or image missing"),
    409: err("Both names this launch may have are held by another identity's sessions (1409)"),
    ...invalid,
    429: err("A session quota would be exceeded (1429): the message names the limit and the count"),
    500: err("The session could not be started"),
  },
});

export const patchServer = defineRoute({
  id: "serversPatch",
  method: "PATCH",
  path: "/servers/{server_name}",
  auth: "user",
  summary: "Hibernate, resume or change the resources of a session",
  params: s.serverNameParams,
  body: s.patchBody,
  responses: {
    200: { description: "The patched session", schema: s.notebookResponse },
    ...unauthorized,
    404: err("No such session for this user"),
    ...invalid,
  },
});

export const deleteServer = defineRoute({
  id: "serversDelete",
  method: "DELETE",
  path: "/servers/{server_name}",
  auth: "user",
  summary: "Stop a session",
  params: s.serverNameParams,
  query: s.deleteServerQuery,
  responses: {
    204: { description: "Stopping" },
    ...unauthorized,
    404: err("No such session for this user"),
  },
});

export const serverOptions = defineRoute({
  id: "serverOptions",
  method: "GET",
  path: "/server_options",
  auth: "user",
  summary: "The allowed server options",
  responses: { 200: { description: "Options", schema: s.serverOptionsResponse }, ...unauthorized },
});

export const logs = defineRoute({
  id: "logs",
  method: "GET",
  path: "/logs/{server_name}",
  auth: "user",
  summary: "A session's logs, by container",
  params: s.serverNameParams,
  query: s.logsQuery,
  responses: {
    200: { description: "Logs", schema: s.logsResponse },
    ...unauthorized,
    404: err("No such session for this user"),
    ...invalid,
  },
});

export const serverEvents = defineRoute({
  id: "serversEvents",
  method: "GET",
  path: "/servers/{server_name}/events",
  auth: "user",
  summary: "A session's Kubernetes events (scheduling, image pulls, restarts), oldest first",
  params: s.serverNameParams,
  query: s.eventsQuery,
  responses: {
    200: { description: "Events", schema: s.eventsResponse },
    ...unauthorized,
    404: err("No such session for this user"),
    ...invalid,
  },
});

export const images = defineRoute({
  id: "images",
  method: "GET",
  path: "/images",
  auth: "user",
  summary: "Whether a container image exists",
  query: s.imagesQuery,
  responses: {
    200: { description: "The image exists" },
    ...unauthorized,
    404: { description: "The image does not exist or cannot be accessed" },
    ...invalid,
  },
});

export const listAutosaves = defineRoute({
  id: "autosavesList",
  method: "GET",
  path: "/{namespace_project}/autosave",
  greedy: true,
  auth: "user",
  summary: "The caller's autosave branches in a project",
  params: s.projectParams,
  responses: {
    200: { description: "Autosaves", schema: s.autosavesResponse },
    ...unauthorized,
    404: err("No such project"),
  },
});

export const deleteAutosave = defineRoute({
  id: "autosavesDelete",
  method: "DELETE",
  path: "/{namespace_project}/autosave/{autosave_name}",
  greedy: true,
  auth: "user",
  summary: "Delete one of the caller's autosave branches",
  params: s.autosaveParams,
  responses: {
    204: { description: "Deleted" },
    ...unauthorized,
    404: err("No such project or autosave"),
  },
});

export const ROUTES: readonly RouteDef[] = [
  health,
  version,
  spec,
  docs,
  listServers,
  getServer,
  createServer,
  patchServer,
  deleteServer,
  serverOptions,
  logs,
  serverEvents,
  images,
  listAutosaves,
  deleteAutosave,
] as unknown as readonly RouteDef[];

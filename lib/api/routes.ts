/**
 * Every route of the API (docs/spec.md 1.1), on its method and path from ./paths.ts. serverless.yml
 * declares the same set; a test checks it.
 */
import * as z from "zod";
import { PATHS } from "./paths.js";
import * as req from "./requests.js";
import * as res from "./responses.js";
import { defineRoute, type RouteDef } from "./route.js";
import { V2_ROUTES } from "./v2/routes.js";

/**
 * As lib/api/requests.ts's `built`: a route (and the schemas only it reads) that esbuild drops from
 * the bundles of the functions that do not import it. Only spec (the OpenAPI document) reads all.
 */
/* @__NO_SIDE_EFFECTS__ */
function built<T>(make: () => T): T {
  return make();
}

/* @__NO_SIDE_EFFECTS__ */
const err = (description: string) => ({ description, schema: req.errorBody });
const unauthorized = { 401: err("No or invalid authentication headers") };
const invalid = { 422: err("Invalid request") };

export const health = built(() =>
  defineRoute({
    ...PATHS.health,
    auth: "none",
    summary: "Liveness of the service",
    responses: { 200: { description: "Running", contentType: "text/html", schema: z.string() } },
  }),
);

export const version = built(() =>
  defineRoute({
    ...PATHS.version,
    auth: "none",
    summary: "Service version and feature flags",
    responses: {
      200: {
        description: "Version",
        get schema() {
          return res.versionResponse();
        },
      },
    },
  }),
);

export const spec = built(() =>
  defineRoute({
    ...PATHS.spec,
    auth: "none",
    summary: "This OpenAPI document",
    responses: {
      200: { description: "OpenAPI 3 document", schema: z.record(z.string(), z.unknown()) },
    },
  }),
);

export const docs = built(() =>
  defineRoute({
    ...PATHS.docs,
    auth: "none",
    summary: "This API as a browsable page (Swagger UI)",
    responses: { 200: { description: "HTML page", contentType: "text/html", schema: z.string() } },
  }),
);

export const listServers = built(() =>
  defineRoute({
    ...PATHS.listServers,
    auth: "user",
    summary: "The caller's sessions",
    query: req.listServersQuery,
    responses: {
      200: {
        description: "Sessions by name",
        get schema() {
          return res.serversResponse();
        },
      },
      ...unauthorized,
    },
  }),
);

export const getServer = built(() =>
  defineRoute({
    ...PATHS.getServer,
    auth: "user",
    summary: "One of the caller's sessions",
    params: req.serverNameParams,
    responses: {
      200: {
        description: "The session",
        get schema() {
          return res.notebookResponse();
        },
      },
      ...unauthorized,
      404: err("No such session for this user"),
    },
  }),
);

export const createServer = built(() =>
  defineRoute({
    ...PATHS.createServer,
    auth: "user",
    summary: "Start a session for a project at a commit",
    body: req.launchBody,
    responses: {
      200: {
        description: "The session already exists",
        get schema() {
          return res.notebookResponse();
        },
      },
      201: {
        description: "Session created",
        get schema() {
          return res.notebookResponse();
        },
      },
      ...unauthorized,
      404: err("Project, branch, commit or image missing"),
      409: err("Both names this launch may have are held by another identity's sessions (1409)"),
      ...invalid,
      429: err(
        "A session quota would be exceeded (1429): the message names the limit and the count",
      ),
      500: err("The session could not be started"),
    },
  }),
);

export const patchServer = built(() =>
  defineRoute({
    ...PATHS.patchServer,
    auth: "user",
    summary: "Hibernate, resume or change the resources of a session",
    params: req.serverNameParams,
    body: req.patchBody,
    responses: {
      200: {
        description: "The patched session",
        get schema() {
          return res.notebookResponse();
        },
      },
      ...unauthorized,
      404: err("No such session for this user"),
      ...invalid,
    },
  }),
);

export const deleteServer = built(() =>
  defineRoute({
    ...PATHS.deleteServer,
    auth: "user",
    summary: "Stop a session",
    params: req.serverNameParams,
    query: req.deleteServerQuery,
    responses: {
      204: { description: "Stopping" },
      ...unauthorized,
      404: err("No such session for this user"),
    },
  }),
);

export const serverOptions = built(() =>
  defineRoute({
    ...PATHS.serverOptions,
    auth: "user",
    summary: "The allowed server options",
    responses: {
      200: {
        description: "Options",
        get schema() {
          return res.serverOptionsResponse();
        },
      },
      ...unauthorized,
    },
  }),
);

export const logs = built(() =>
  defineRoute({
    ...PATHS.logs,
    auth: "user",
    summary: "A session's logs, by container",
    params: req.serverNameParams,
    query: req.logsQuery,
    responses: {
      200: {
        description: "Logs",
        get schema() {
          return res.logsResponse();
        },
      },
      ...unauthorized,
      404: err("No such session for this user"),
      ...invalid,
    },
  }),
);

export const serverEvents = built(() =>
  defineRoute({
    ...PATHS.serverEvents,
    auth: "user",
    summary: "A session's Kubernetes events (scheduling, image pulls, restarts), oldest first",
    params: req.serverNameParams,
    query: req.eventsQuery,
    responses: {
      200: {
        description: "Events",
        get schema() {
          return res.eventsResponse();
        },
      },
      ...unauthorized,
      404: err("No such session for this user"),
      ...invalid,
    },
  }),
);

export const images = built(() =>
  defineRoute({
    ...PATHS.images,
    auth: "user",
    summary: "Whether a container image exists",
    query: req.imagesQuery,
    responses: {
      200: { description: "The image exists" },
      ...unauthorized,
      404: { description: "The image does not exist or cannot be accessed" },
      ...invalid,
    },
  }),
);

export const listAutosaves = built(() =>
  defineRoute({
    ...PATHS.listAutosaves,
    auth: "user",
    summary: "The caller's autosave branches in a project",
    params: req.projectParams,
    responses: {
      200: {
        description: "Autosaves",
        get schema() {
          return res.autosavesResponse();
        },
      },
      ...unauthorized,
      404: err("No such project"),
    },
  }),
);

export const deleteAutosave = built(() =>
  defineRoute({
    ...PATHS.deleteAutosave,
    auth: "user",
    summary: "Delete one of the caller's autosave branches",
    params: req.autosaveParams,
    responses: {
      204: { description: "Deleted" },
      ...unauthorized,
      404: err("No such project or autosave"),
    },
  }),
);

// built(): the spread of the v2 routes would otherwise keep every route in every bundle.
export const ROUTES: readonly RouteDef[] = built(() => [
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
  ...V2_ROUTES,
]) as unknown as readonly RouteDef[];

/**
 * The v2 sessions API (renku-data-services' `/api/data/sessions*`, v2-sessions.md 1.1): root
 * paths, because a path router at the gateway's data-service upstream sends them here unchanged
 * (docs/deploy.md). Identity never fails (auth "v2"); errors are in data-services' code space.
 */

import { errorBody } from "../requests.js";
import { defineRoute } from "../route.js";
import { V2_PATHS } from "./paths.js";
import * as s from "./schemas.js";

/* @__NO_SIDE_EFFECTS__ */
function built<T>(make: () => T): T {
  return make();
}

/* @__NO_SIDE_EFFECTS__ */
const err = (description: string) => ({ description, schema: errorBody });
const invalid = { 422: err("Invalid request (code 1422)") };

export const v2List = built(() =>
  defineRoute({
    ...V2_PATHS.list,
    auth: "v2",
    errors: "v2",
    summary: "v2: the caller's sessions (all types unless session_type is given)",
    query: s.listQuery,
    responses: {
      200: {
        description: "The sessions, by launcher then newest first",
        get schema() {
          return s.sessionList();
        },
      },
      ...invalid,
    },
  }),
);

export const v2Create = built(() =>
  defineRoute({
    ...V2_PATHS.create,
    auth: "v2",
    errors: "v2",
    summary: "v2: start a session from a session launcher",
    body: s.postBody,
    responses: {
      200: {
        description: "The session of this launch already exists",
        get schema() {
          return s.sessionResponse();
        },
      },
      201: {
        description: "Created",
        get schema() {
          return s.sessionResponse();
        },
      },
      401: err("Anonymous caller without the _renku_session cookie (code 1401)"),
      404: err("No such launcher, project or resource class for this caller (code 1404)"),
      ...invalid,
    },
  }),
);

export const v2Images = built(() =>
  defineRoute({
    ...V2_PATHS.images,
    auth: "v2",
    errors: "v2",
    summary: "v2: whether an image can be pulled, and its platforms",
    query: s.imagesQuery,
    responses: {
      200: {
        description: "Always 200: accessible true or false",
        get schema() {
          return s.imageCheckResponse();
        },
      },
      ...invalid,
    },
  }),
);

export const v2Get = built(() =>
  defineRoute({
    ...V2_PATHS.get,
    auth: "v2",
    errors: "v2",
    summary: "v2: one of the caller's sessions",
    params: s.sessionIdParams,
    responses: {
      200: {
        description: "The session",
        get schema() {
          return s.sessionResponse();
        },
      },
      404: err("No such session for this caller (code 1404)"),
    },
  }),
);

export const v2Patch = built(() =>
  defineRoute({
    ...V2_PATHS.patch,
    auth: "v2",
    errors: "v2",
    summary: "v2: hibernate, resume, change class, or set lastInteraction",
    params: s.sessionIdParams,
    body: s.patchBody,
    responses: {
      200: {
        description: "The patched session (its status may still be the old one)",
        get schema() {
          return s.sessionResponse();
        },
      },
      404: err("No such session for this caller (code 1404)"),
      ...invalid,
    },
  }),
);

export const v2Delete = built(() =>
  defineRoute({
    ...V2_PATHS.delete,
    auth: "v2",
    errors: "v2",
    summary: "v2: stop and remove a session (204 even when there was none)",
    params: s.sessionIdParams,
    responses: { 204: { description: "Deleted, or never existed" } },
  }),
);

export const v2Logs = built(() =>
  defineRoute({
    ...V2_PATHS.logs,
    auth: "v2",
    errors: "v2",
    summary: "v2: the last lines of each container's log",
    params: s.sessionIdParams,
    query: s.logsQuery,
    responses: {
      200: {
        description: "Container name -> its last max_lines lines; {} before the pod exists",
        get schema() {
          return s.logsResponse();
        },
      },
      404: err("No such session for this caller (code 1404)"),
      ...invalid,
    },
  }),
);

export const V2_ROUTES = [v2List, v2Create, v2Images, v2Get, v2Patch, v2Delete, v2Logs];

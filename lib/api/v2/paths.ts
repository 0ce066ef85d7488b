/**
 * Where each v2 route lives (root paths); the catch-all's 405 answers need only this table. Each
 * is also routed with a trailing slash: data-services' Sanic routes are not strict about slashes
 * (its own tests POST to `/api/data/sessions/`), while API Gateway's HTTP API matches exactly.
 */
export const V2_PATHS = {
  list: {
    id: "v2SessionsList",
    method: "GET",
    path: "/api/data/sessions",
    root: true,
    trailingSlash: true,
  },
  create: {
    id: "v2SessionsCreate",
    method: "POST",
    path: "/api/data/sessions",
    root: true,
    trailingSlash: true,
  },
  images: {
    id: "v2SessionsImages",
    method: "GET",
    path: "/api/data/sessions/images",
    root: true,
    trailingSlash: true,
  },
  get: {
    id: "v2SessionsGet",
    method: "GET",
    path: "/api/data/sessions/{session_id}",
    root: true,
    trailingSlash: true,
  },
  patch: {
    id: "v2SessionsPatch",
    method: "PATCH",
    path: "/api/data/sessions/{session_id}",
    root: true,
    trailingSlash: true,
  },
  delete: {
    id: "v2SessionsDelete",
    method: "DELETE",
    path: "/api/data/sessions/{session_id}",
    root: true,
    trailingSlash: true,
  },
  logs: {
    id: "v2SessionsLogs",
    method: "GET",
    path: "/api/data/sessions/{session_id}/logs",
    root: true,
    trailingSlash: true,
  },
} as const;

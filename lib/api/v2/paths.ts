/** Where each v2 route lives (root paths); the catch-all's 405 answers need only this table. */
export const V2_PATHS = {
  list: { id: "v2SessionsList", method: "GET", path: "/api/data/sessions", root: true },
  create: { id: "v2SessionsCreate", method: "POST", path: "/api/data/sessions", root: true },
  images: { id: "v2SessionsImages", method: "GET", path: "/api/data/sessions/images", root: true },
  get: { id: "v2SessionsGet", method: "GET", path: "/api/data/sessions/{session_id}", root: true },
  patch: {
    id: "v2SessionsPatch",
    method: "PATCH",
    path: "/api/data/sessions/{session_id}",
    root: true,
  },
  delete: {
    id: "v2SessionsDelete",
    method: "DELETE",
    path: "/api/data/sessions/{session_id}",
    root: true,
  },
  logs: {
    id: "v2SessionsLogs",
    method: "GET",
    path: "/api/data/sessions/{session_id}/logs",
    root: true,
  },
} as const;

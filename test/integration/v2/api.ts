/** The v2 sessions routes as a caller (the Renku UI) uses them, through the real handlers. */
import { main as createMain } from "../../../functions/v2/create.js";
import { main as deleteMain } from "../../../functions/v2/delete.js";
import { main as getMain } from "../../../functions/v2/get.js";
import { main as imagesMain } from "../../../functions/v2/images.js";
import { main as listMain } from "../../../functions/v2/list.js";
import { main as logsMain } from "../../../functions/v2/logs.js";
import { main as patchMain } from "../../../functions/v2/patch.js";
import { invoke } from "../../helpers/events.js";

export const LAUNCHERS = {
  hello: "01JDV2SES00000000000000001",
  privateNotes: "01JDV2SES00000000000000002",
  metered: "01JDV2SES00000000000000003",
  scratch: "01JDV2SES00000000000000004",
  job: "01JDV2SES00000000000000005",
  hpc: "01JDV2SES00000000000000006",
} as const;
export const PROJECTS = {
  hello: "01JDV2PRJ00000000000000001",
  privateNotes: "01JDV2PRJ00000000000000002",
} as const;

export function v2Api(headers: Record<string, string> = {}) {
  const one = (id: string) => ({
    path: `/api/data/sessions/${id}`,
    pathParameters: { session_id: id },
    headers,
  });
  return {
    list: (query?: Record<string, string>) =>
      invoke(listMain, { path: "/api/data/sessions", headers, ...(query ? { query } : {}) }),
    create: (body: unknown) =>
      invoke(createMain, { method: "POST", path: "/api/data/sessions", headers, body }),
    get: (id: string) => invoke(getMain, one(id)),
    patch: (id: string, body: unknown) => invoke(patchMain, { method: "PATCH", ...one(id), body }),
    delete: (id: string) => invoke(deleteMain, { method: "DELETE", ...one(id) }),
    logs: (id: string, query?: Record<string, string>) =>
      invoke(logsMain, {
        path: `/api/data/sessions/${id}/logs`,
        pathParameters: { session_id: id },
        headers,
        ...(query ? { query } : {}),
      }),
    images: (imageUrl?: string) =>
      invoke(imagesMain, {
        path: "/api/data/sessions/images",
        headers,
        ...(imageUrl === undefined ? {} : { query: { image_url: imageUrl } }),
      }),
  };
}

/** The catch-all route: unknown paths get 404, known paths with another method 405, as JSON errors. */
import { PATHS } from "../lib/api/paths.js";
import { V2_PATHS } from "../lib/api/v2/paths.js";
import { httpError } from "../lib/errors.js";
import { handler } from "../lib/http/handler.js";
import { allowedMethods } from "../lib/http/match.js";
import { defineRoute } from "../lib/http/route.js";

const route = defineRoute({
  id: "notFound",
  method: "GET",
  path: "/{proxy+}",
  root: true,
  auth: "none",
  summary: "Unknown routes",
  responses: {},
});

export const main = handler(route, async ({ event }, { config }) => {
  const path = event.rawPath ?? event.requestContext?.http?.path ?? "/";
  const allowed = allowedMethods(
    [...Object.values(PATHS), ...Object.values(V2_PATHS)],
    config.service_prefix,
    path,
  );
  if (allowed.length > 0) throw httpError(405, { headers: { allow: allowed.join(", ") } });
  // Where a newcomer looks first: point at the API page.
  const front = ["/", "/docs", config.service_prefix, `${config.service_prefix}/`];
  if (front.includes(path)) {
    throw httpError(404, { detail: `The API is described at ${config.service_prefix}/docs.` });
  }
  throw httpError(404);
});

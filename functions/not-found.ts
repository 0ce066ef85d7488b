/** The catch-all route: unknown paths get 404, known paths with another method 405, as JSON errors. */
import { defineRoute } from "../lib/api/route.js";
import { handler } from "../lib/http/handler.js";
import { unknownRoute } from "../lib/use-cases/not-found.js";

const route = defineRoute({
  id: "notFound",
  method: "GET",
  path: "/{proxy+}",
  root: true,
  auth: "none",
  summary: "Unknown routes",
  responses: {},
});

export const main = handler(route, async ({ event }, { config }) =>
  unknownRoute(config, event.rawPath ?? event.requestContext?.http?.path ?? "/"),
);

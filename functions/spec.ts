import { openApiDocument } from "../lib/api/openapi.js";
import { ROUTES, spec } from "../lib/api/routes.js";
import { SERVICE_VERSION } from "../lib/api/version.js";
import { handler } from "../lib/http/handler.js";
import { ok } from "../lib/http/reply.js";

// Built once per container; a plain object, as the response schema (a JSON object) has it.
let document: Record<string, unknown> | undefined;

export const main = handler(spec, async (_input, { config }) => {
  document ??= { ...openApiDocument(ROUTES, config.service_prefix, SERVICE_VERSION) };
  return ok(document);
});

import { health } from "../lib/api/routes.js";
import { handler } from "../lib/http/handler.js";

export const main = handler(health, async (_input, { config }) => ({
  status: 200,
  text: `service running under ${config.service_prefix}`,
  contentType: "text/html; charset=utf-8",
}));

import { docsPage } from "../lib/api/docs-page.js";
import { docs } from "../lib/api/routes.js";
import { handler } from "../lib/http/handler.js";

let page: ReturnType<typeof docsPage> | undefined;

export const main = handler(docs, async (_input, { config }) => {
  page ??= docsPage(`${config.service_prefix}/spec.json`);
  return {
    status: 200,
    text: page.html,
    contentType: "text/html; charset=utf-8",
    headers: { "cache-control": "public, max-age=300", "content-security-policy": page.policy },
  };
});

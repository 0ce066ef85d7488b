/** The spec's examples: present for every request and response body, and valid for the route's own schemas. */
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../../lib/api/openapi.js";
import { routePath } from "../../../lib/api/route.js";
import { ROUTES } from "../../../lib/api/routes.js";

type Media = { example?: unknown };
type Op = {
  parameters?: Array<{ name: string; example?: unknown }>;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
  security?: Array<Record<string, string[]>>;
};
const doc = openApiDocument(ROUTES, "/notebooks", "0.0.0") as unknown as {
  paths: Record<string, Record<string, Op>>;
  servers: Array<{ url: string }>;
  components: { securitySchemes: Record<string, { in: string; name: string }> };
};
const opOf = (route: (typeof ROUTES)[number]) =>
  doc.paths[routePath(route, "/notebooks")]?.[route.method.toLowerCase()] as Op;

describe("OpenAPI examples", () => {
  it("has a valid example for every response with a body", () => {
    for (const route of ROUTES) {
      for (const [status, def] of Object.entries(route.responses)) {
        if (!def.schema) continue;
        const media = Object.values(opOf(route).responses[status]?.content ?? {})[0];
        expect(media?.example, `${route.id} ${status}`).toBeDefined();
        const parsed = def.schema.safeParse(media?.example);
        expect(parsed.success, `${route.id} ${status}: ${parsed.error?.message}`).toBe(true);
      }
    }
  });

  it("has a valid example for every request body and parameter", () => {
    for (const route of ROUTES) {
      const op = opOf(route);
      if (route.body) {
        const example = op.requestBody?.content["application/json"]?.example;
        expect(route.body.safeParse(example).success, route.id).toBe(true);
      }
      for (const p of op.parameters ?? []) expect(p.example, `${route.id} ${p.name}`).toBeDefined();
    }
  });

  it("describes all four gateway headers and the server", () => {
    const headers = Object.values(doc.components.securitySchemes)
      .filter((s) => s.in === "header")
      .map((s) => `${s.in}:${s.name}`);
    expect(headers.sort()).toEqual([
      "header:Renku-Auth-Access-Token",
      "header:Renku-Auth-Anon-Id",
      "header:Renku-Auth-Git-Credentials",
      "header:Renku-Auth-Id-Token",
    ]);
    expect(doc.servers).toEqual([{ url: "/", description: "This deployment" }]);
    const list = opOf(ROUTES.find((r) => r.id === "serversList") as (typeof ROUTES)[number]);
    expect(list.security).toEqual([
      { accessToken: [], idToken: [], gitCredentials: [] },
      { anonymousId: [] },
    ]);
  });

  it("documents the v2 routes in their own section, with the bearer token and anonymous access", () => {
    const v2 = ROUTES.filter((r) => r.auth === "v2");
    expect(v2.map((r) => r.id).sort()).toEqual([
      "v2SessionsCreate",
      "v2SessionsDelete",
      "v2SessionsGet",
      "v2SessionsImages",
      "v2SessionsList",
      "v2SessionsLogs",
      "v2SessionsPatch",
    ]);
    for (const route of v2) {
      const op = opOf(route) as Op & { tags?: string[] };
      expect(op.tags?.[0], route.id).toMatch(/^v2 sessions/);
      expect(op.security).toEqual([{ keycloakBearer: [] }, { anonymousId: [] }, {}]);
    }
  });
});

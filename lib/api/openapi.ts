/** Builds the OpenAPI document from the routes' zod schemas. */
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
} from "zod-openapi";
import { HEADERS } from "../auth/authenticate.js";
import { type RouteDef, routePath } from "../http/route.js";

export function openApiDocument(routes: readonly RouteDef[], prefix: string, version: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const op: ZodOpenApiOperationObject = {
      operationId: route.id,
      summary: route.summary,
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, r]) => [
          status,
          {
            description: r.description,
            ...(r.schema
              ? { content: { [r.contentType ?? "application/json"]: { schema: r.schema } } }
              : {}),
          },
        ]),
      ),
    };
    const requestParams: NonNullable<ZodOpenApiOperationObject["requestParams"]> = {};
    if (route.params) requestParams.path = route.params as never;
    if (route.query) requestParams.query = route.query as never;
    if (Object.keys(requestParams).length > 0) op.requestParams = requestParams;
    if (route.body) op.requestBody = { content: { "application/json": { schema: route.body } } };
    if (route.auth === "user") op.security = [{ registered: [] }, { anonymous: [] }];
    const path = routePath(route, prefix);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: op };
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Renku notebooks API",
      version,
      description:
        "Interactive sessions for Renku projects. Identity comes from headers injected by the Renku gateway.",
    },
    paths,
    components: {
      securitySchemes: {
        registered: {
          type: "apiKey",
          in: "header",
          name: HEADERS.idToken,
          description:
            "Registered users: Renku-Auth-Access-Token, Renku-Auth-Id-Token and Renku-Auth-Git-Credentials",
        },
        anonymous: { type: "apiKey", in: "header", name: HEADERS.anonId },
      },
    },
  });
}

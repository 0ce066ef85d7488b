/** Builds the OpenAPI document from the routes' zod schemas, with examples and the gateway headers. */
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
} from "zod-openapi";
import {
  errorExample,
  PARAMETER_EXAMPLES,
  REQUEST_EXAMPLES,
  RESPONSE_EXAMPLES,
} from "./examples.js";
import { HEADERS } from "./headers.js";
import { type RouteDef, routePath } from "./route.js";

/** Registered callers send three headers together; anonymous callers one. */
const REGISTERED = { accessToken: [], idToken: [], gitCredentials: [] };
const ANONYMOUS = { anonymousId: [] };

const V2_TAG = "v2 sessions (/api/data/sessions, renku-data-services' API)";

const DESCRIPTION = `Interactive sessions for Renku projects.

**Identity** comes from headers that the Renku gateway injects: registered users send
\`Renku-Auth-Access-Token\`, \`Renku-Auth-Id-Token\` (an OpenID Connect ID token) and
\`Renku-Auth-Git-Credentials\` (base64 JSON of GitLab credentials) together; anonymous users send
\`Renku-Auth-Anon-Id\` when anonymous sessions are enabled. Locally, \`npm run as -- alice\` prints
a seeded user's headers.

**Errors** always have the body \`{"error": {"code", "message", "detail"?}}\` (schema
\`ErrorResponse\`): 1xxx the caller's (422 unless 401/404/405/413/415), 2xxx bugs or
misconfiguration (500), 3xxx infrastructure (500/503/504).

**v2** (section "${V2_TAG}"): today's Renku UI calls \`/api/data/sessions*\` of renku-data-services;
this service serves those routes beside v1 (docs/v2.md). Identity there is the Keycloak access token
as \`Authorization: Bearer\`; a missing or invalid token makes the caller anonymous
(\`Renku-Auth-Anon-Id\`), never a 401. Errors use data-services' codes (1000 + status, 1500).
Each v2 path is also served with a trailing slash (\`/api/data/sessions/\`), as data-services does.
Locally, \`npm run as -- alice\` prints that header too.`;

function header(name: string, description: string) {
  return { type: "apiKey" as const, in: "header" as const, name: displayName(name), description };
}

/** renku-auth-id-token -> Renku-Auth-Id-Token, as the gateway spells it. */
const displayName = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

export function openApiDocument(routes: readonly RouteDef[], prefix: string, version: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const op: ZodOpenApiOperationObject = {
      operationId: route.id,
      summary: route.summary,
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([statusText, r]) => {
          const status = Number(statusText);
          const example =
            RESPONSE_EXAMPLES[route.id]?.[status] ??
            (status >= 400 ? errorExample(status) : undefined);
          return [
            statusText,
            {
              description: r.description,
              ...(r.schema
                ? {
                    content: {
                      [r.contentType ?? "application/json"]: {
                        schema: r.schema,
                        ...(example === undefined ? {} : { example }),
                      },
                    },
                  }
                : {}),
            },
          ];
        }),
      ),
    };
    const requestParams: NonNullable<ZodOpenApiOperationObject["requestParams"]> = {};
    if (route.params) requestParams.path = route.params as never;
    if (route.query) requestParams.query = route.query as never;
    if (Object.keys(requestParams).length > 0) op.requestParams = requestParams;
    if (route.body) {
      const example = REQUEST_EXAMPLES[route.id];
      op.requestBody = {
        content: {
          "application/json": { schema: route.body, ...(example ? { example } : {}) },
        },
      };
    }
    if (route.auth === "user") op.security = [REGISTERED, ANONYMOUS];
    if (route.auth === "v2") {
      // Anyone may call: a missing or bad token makes the caller anonymous (docs/v2.md).
      op.security = [{ keycloakBearer: [] }, ANONYMOUS, {}];
      op.tags = [V2_TAG];
    }
    const path = routePath(route, prefix);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: op };
  }
  const document = createDocument({
    openapi: "3.1.0",
    info: { title: "Renku notebooks API", version, description: DESCRIPTION },
    // Relative: the document is served by the deployment it describes; paths carry the prefix.
    servers: [{ url: "/", description: "This deployment" }],
    paths,
    components: {
      securitySchemes: {
        accessToken: header(HEADERS.accessToken, "Registered users: the Renku access token."),
        idToken: header(
          HEADERS.idToken,
          "Registered users: the OpenID Connect ID token (verified when NB_AUTH__JWKS_URL is set).",
        ),
        gitCredentials: header(
          HEADERS.gitCredentials,
          'Registered users: base64 of {"<GitLab URL>": {"AuthorizationHeader": "bearer <token>", "AccessTokenExpiresAt": null, "provider": "GitLab"}}.',
        ),
        keycloakBearer: {
          type: "http" as const,
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "v2: the caller's Keycloak access token (audiences renku, renku-ui, renku-cli, swagger), verified by JWKS when NB_AUTH__JWKS_URL is set.",
        },
        anonymousId: header(
          HEADERS.anonId,
          "Anonymous users (when anonymous sessions are enabled): a per-browser id.",
        ),
      },
    },
  });
  addParameterExamples(document);
  return document;
}

/** Path and query parameters get their example after generation (their schemas are shared). */
function addParameterExamples(document: ReturnType<typeof createDocument>) {
  for (const item of Object.values(document.paths ?? {})) {
    for (const op of Object.values(item ?? {})) {
      const parameters = (op as { parameters?: Array<{ name?: string; example?: unknown }> })
        .parameters;
      for (const p of parameters ?? []) {
        const example = p.name === undefined ? undefined : PARAMETER_EXAMPLES[p.name];
        if (example !== undefined) p.example = example;
      }
    }
  }
}

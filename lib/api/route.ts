/** A route: its method and path, who may call it, and the zod schemas that validate and document it. */
import type { z } from "zod";

/**
 * A zod schema, classic or zod/mini (lib/api/requests.ts validates requests with the cheaper
 * zod/mini): both parse, and zod-openapi documents both alike.
 */
export type Schema = z.core.$ZodType & {
  safeParse(data: unknown): z.core.util.SafeParseResult<unknown>;
};

export type Method = "GET" | "POST" | "PATCH" | "DELETE";
/** "v2": the v2 sessions API's identity, which never fails (lib/auth/v2-caller.ts). */
export type AuthMode = "none" | "user" | "v2";

export interface ResponseDef {
  description: string;
  schema?: Schema;
  contentType?: string;
}

export type Responses = Record<number, ResponseDef>;

export interface RouteDef<
  P extends Schema = Schema,
  Q extends Schema = Schema,
  B extends Schema = Schema,
  A extends AuthMode = AuthMode,
  R extends Responses = Responses,
> {
  /** The function's name in serverless.yml. */
  id: string;
  method: Method;
  /** API Gateway route syntax, under the service prefix unless `root`. */
  path: string;
  root?: boolean;
  /**
   * Also served at `{prefix}/{proxy+}` for this method, for path parameters sent with unencoded
   * slashes (API Gateway's greedy variable can only end a path); the function splits the path.
   */
  greedy?: boolean;
  /** Also routed at the path with a trailing slash (API Gateway matches paths exactly). */
  trailingSlash?: boolean;
  auth: A;
  /** "v2": errors in renku-data-services' code space (lib/http/v2-errors.ts). */
  errors?: "v2";
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  responses: R;
}

type Bodies<R extends Responses> = {
  [K in keyof R]: K extends 200 | 201 | 202 | 204
    ? R[K] extends { schema: infer S extends Schema }
      ? z.input<S>
      : undefined
    : never;
}[keyof R];

/**
 * What a route's business function may answer: the input of one of its 2xx response schemas, so
 * the compiler checks each answer against the schema the API publishes (anything, for a route that
 * declares no 2xx schema).
 */
export type SuccessBody<R extends Responses> = [Bodies<R>] extends [never] ? unknown : Bodies<R>;

export const defineRoute = <
  P extends Schema,
  Q extends Schema,
  B extends Schema,
  A extends AuthMode,
  R extends Responses,
>(
  route: RouteDef<P, Q, B, A, R>,
) => route;

/** The public path of a route under a prefix. */
export const routePath = (route: Pick<RouteDef, "path" | "root">, prefix: string) =>
  route.root ? route.path : `${prefix}${route.path}`;

/** The paths API Gateway routes to a function: the route's, and its trailing-slash twin. */
export const routePaths = (
  route: Pick<RouteDef, "path" | "root" | "trailingSlash">,
  prefix: string,
) =>
  route.trailingSlash
    ? [routePath(route, prefix), `${routePath(route, prefix)}/`]
    : [routePath(route, prefix)];

/** The greedy route's path under a prefix, as API Gateway spells it. */
export const greedyPath = (prefix: string) => `${prefix}/{proxy+}`;

/** Matches a request path against the routes table, for the catch-all's 404 and 405 answers. */
import { type RouteDef, routePath } from "./route.js";

const toRegExp = (path: string) =>
  new RegExp(
    `^${path
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
      .join("")}/?$`,
  );

/** The methods the path allows; empty when no route has that path. */
export function allowedMethods(
  routes: readonly RouteDef[],
  prefix: string,
  path: string,
): string[] {
  return routes.filter((r) => toRegExp(routePath(r, prefix)).test(path)).map((r) => r.method);
}

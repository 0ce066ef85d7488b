/** Matches a request path against the routes table, for the catch-all's 404 and 405 answers. */
import { type RouteDef, routePath } from "./route.js";

/** A route's path as a pattern; parameters of greedy routes span slashes, as their split does. */
const toRegExp = (path: string, greedy = false) =>
  new RegExp(
    `^${path
      .split(/(\{[^{}]+\})/)
      .map((part) =>
        part.startsWith("{")
          ? greedy
            ? "[^/].*?"
            : "[^/]+"
          : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"),
      )
      .join("")}/?$`,
  );

/** The methods the path allows; empty when no route has that path. */
export function allowedMethods(
  routes: readonly Pick<RouteDef, "method" | "path" | "root" | "greedy">[],
  prefix: string,
  path: string,
): string[] {
  return routes
    .filter((r) => toRegExp(routePath(r, prefix), r.greedy).test(path))
    .map((r) => r.method);
}

/** Serving a route's function also from the greedy `{proxy+}` route (RouteDef.greedy). */
import type { Context } from "aws-lambda";
import type { Event, Result } from "./handler.js";

type Lambda = (event: Event, context: Context) => Promise<Result>;

/**
 * Events of the greedy route carry `pathParameters.proxy`: `split` turns it into the route's own
 * parameters, and a path that is not the route's goes to `fallback` (the catch-all's 404/405).
 */
export function withGreedyPath(
  inner: Lambda,
  split: (proxy: string) => Record<string, string> | undefined,
  fallback: Lambda,
): Lambda {
  return (event, context) => {
    const proxy = event.pathParameters?.proxy;
    if (proxy === undefined) return inner(event, context);
    const params = split(proxy);
    if (!params) return fallback(event, context);
    return inner({ ...event, pathParameters: params }, context);
  };
}

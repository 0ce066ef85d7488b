/** Serving a route's function also from the greedy `{proxy+}` route (RouteDef.greedy). */
import type { Context } from "aws-lambda";
import type { Endpoint, Event, LambdaHandler, Result } from "./handler.js";

type Split = (proxy: string) => Record<string, string> | undefined;

function route(inner: LambdaHandler, split: Split, fallback: LambdaHandler): LambdaHandler {
  return (event: Event, context: Context): Promise<Result> => {
    const proxy = event.pathParameters?.proxy;
    if (proxy === undefined) return inner(event, context);
    const params = split(proxy);
    if (!params) return fallback(event, context);
    return inner({ ...event, pathParameters: params }, context);
  };
}

/**
 * Events of the greedy route carry `pathParameters.proxy`: `split` turns it into the route's own
 * parameters, and a path that is not the route's goes to `fallback` (the catch-all's 404/405).
 * `with(deps)` wires both to the caller's dependencies, as for any endpoint.
 */
export function withGreedyPath<D, F>(
  inner: Endpoint<D>,
  split: Split,
  fallback: Endpoint<F>,
): Endpoint<D & F> {
  const main = route(inner, split, fallback) as Endpoint<D & F>;
  main.with = (deps) => route(inner.with(deps), split, fallback.with(deps));
  return main;
}

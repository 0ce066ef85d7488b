/** First: the dependencies, a logger with the request id and route, and the start time. */
import type { MiddlewareObj } from "@middy/core";
import type { Core } from "../../adapters/deps.js";
import type { Event, Req, Result, StateContext } from "../context.js";

export function requestContext<D extends Core>(
  routeId: string,
  deps: () => D,
): MiddlewareObj<Event, Result, Error, StateContext<D>> {
  return {
    before: (request: Req<D>) => {
      const ctx = request.context;
      ctx.requestId = ctx.awsRequestId ?? request.event.requestContext?.requestId ?? "local";
      ctx.started = performance.now();
      // Throws ConfigError on a bad configuration: the first request reports it.
      ctx.deps = deps();
      ctx.log = ctx.deps.log.child({ requestId: ctx.requestId, route: routeId });
    },
  };
}

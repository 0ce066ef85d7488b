/** One log line per request: method, status and duration. */
import type { MiddlewareObj } from "@middy/core";
import type { Event, Req, Result, StateContext } from "../context.js";

export function accessLog(): MiddlewareObj<Event, Result, Error, StateContext> {
  const done = (request: Req) => {
    const ctx = request.context;
    ctx.log?.info(
      {
        method: request.event.requestContext?.http?.method,
        status: request.response?.statusCode,
        ms: ctx.started === undefined ? undefined : Math.round(performance.now() - ctx.started),
      },
      "request",
    );
  };
  return { after: done, onError: done };
}

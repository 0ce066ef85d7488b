/** The types the middlewares share: the event, the result, and the request state on the context. */
import type { Request } from "@middy/core";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import type { Core } from "../adapters/deps.js";
import type { User } from "../auth/user.js";
import type { V2Caller } from "../auth/v2-caller.js";
import type { Logger } from "../obs/log.js";

export type Event = APIGatewayProxyEventV2;
export type Result = APIGatewayProxyStructuredResultV2;

/**
 * Set once per request on middy's request.context (as middy's own middlewares do), which is also
 * the context the base handler receives: requestContext sets deps, log, requestId and started,
 * authentication the user, validation params, query and body.
 */
export interface RequestState<D extends Core = Core> {
  deps?: D;
  log?: Logger;
  started?: number;
  requestId?: string;
  user?: User | V2Caller;
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

export type StateContext<D extends Core = Core> = Context & RequestState<D>;
export type Req<D extends Core = Core> = Request<Event, Result, Error, StateContext<D>>;

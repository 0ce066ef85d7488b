/**
 * An endpoint: handler(route, business, adapters) is a function file's composition root. The
 * stack runs, in order: access log -> request context (dependencies, logger, request id) ->
 * identity headers once -> header normaliser -> authentication -> bounded headers -> validation
 * (path, query, JSON body) -> business; the error handler turns any failure into the documented
 * error body. Each step is one file in ./middleware/.
 * Around the stack, lib/obs/instrument.ts prints the invocation's metrics and traces when on.
 */
import middy from "@middy/core";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import type { Context } from "aws-lambda";
import type { z } from "zod";
import { type AdapterSet, containerDeps, type Wired } from "../adapters/deps.js";
import type { AuthMode, Responses, RouteDef, Schema, SuccessBody } from "../api/route.js";
import type { User } from "../auth/user.js";
import type { V2Caller } from "../auth/v2-caller.js";
import { deadlineError } from "../errors.js";
import { instrument } from "../obs/instrument.js";
import type { Logger } from "../obs/log.js";
import type { Event, Result, StateContext } from "./context.js";
import { accessLog } from "./middleware/access-log.js";
import { authentication } from "./middleware/authentication.js";
import { errorHandler } from "./middleware/error-handler.js";
import { boundedHeaders, identityHeadersOnce } from "./middleware/header-guard.js";
import { requestContext } from "./middleware/request-context.js";
import { validation } from "./middleware/validation.js";
import type { Reply } from "./reply.js";
import { toResult } from "./result.js";

export type { Event, Result } from "./context.js";

/**
 * Answer this long before the Lambda's own time limit, so a slow chain of upstream calls still
 * gets the documented error instead of API Gateway's bare 503.
 */
export const DEADLINE_MARGIN_MS = 1500;

type Out<T> = T extends Schema ? z.output<T> : undefined;

export interface Input<P, Q, B, A extends AuthMode> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  user: A extends "user" ? User : A extends "v2" ? V2Caller : undefined;
  headers: Record<string, string | undefined>;
  /** The raw API Gateway event, for the rare handler that needs the method or path. */
  event: Event;
  requestId: string;
  log: Logger;
}

export type Business<P, Q, B, A extends AuthMode, D, R extends Responses = Responses> = (
  input: Input<P, Q, B, A>,
  deps: D,
) => Promise<Reply<SuccessBody<R>>>;

export type LambdaHandler = (event: Event, context: Context) => Promise<Result>;

/** The Lambda handler, plus `with(deps)`: the same endpoint on dependencies the caller built (tests). */
export type Endpoint<D> = LambdaHandler & { with(deps: D): LambdaHandler };

export function handler<
  P extends Schema,
  Q extends Schema,
  B extends Schema,
  A extends AuthMode,
  R extends Responses,
  S extends AdapterSet = Record<never, never>,
>(
  route: RouteDef<P, Q, B, A, R>,
  business: Business<P, Q, B, A, Wired<S>, R>,
  adapters: S = {} as S,
): Endpoint<Wired<S>> {
  type D = Wired<S>;
  const base = async (event: Event, context: StateContext<D>): Promise<Result> => {
    const requestId = context.requestId ?? "local";
    const reply = await business(
      {
        params: context.params as Out<P>,
        query: context.query as Out<Q>,
        body: context.body as Out<B>,
        user: context.user as Input<P, Q, B, A>["user"],
        headers: event.headers ?? {},
        event,
        requestId,
        log: context.log as Logger,
      },
      context.deps as D,
    );
    return toResult(reply, requestId);
  };
  const r = route as unknown as RouteDef;
  const build = (deps: () => D): LambdaHandler =>
    instrument(r.id, stack(deps), () => deps().config);
  const stack = (deps: () => D): LambdaHandler =>
    middy<Event, Result, Error, StateContext<D>>(base, {
      timeoutEarlyInMillis: DEADLINE_MARGIN_MS,
      timeoutEarlyResponse: () => {
        throw deadlineError();
      },
    })
      .use(accessLog())
      .use(requestContext(r.id, deps))
      .use(identityHeadersOnce(r.auth))
      .use(httpHeaderNormalizer())
      .use(authentication(r.auth))
      .use(boundedHeaders())
      .use(validation(r))
      .use(errorHandler(r.errors)) as unknown as LambdaHandler;
  const main = build(containerDeps(adapters)) as Endpoint<D>;
  main.with = (deps) => build(() => deps);
  return main;
}

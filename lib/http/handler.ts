/**
 * The shared middy stack every endpoint runs through, in order: request context (logger, request
 * id) -> header normaliser -> authentication -> JSON body -> zod validation -> business; the error
 * handler turns any failure into the documented error body. Authentication comes before any
 * validation (D4), so an unauthenticated caller learns nothing about the request's shape.
 */
import middy, { type MiddlewareObj, type Request } from "@middy/core";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import type { z } from "zod";
import { authenticate } from "../auth/authenticate.js";
import type { User } from "../auth/user.js";
import { ConfigError, LOCAL_STAGE } from "../config.js";
import { type Deps, getDeps } from "../deps.js";
import {
  AppError,
  configurationError,
  deadlineError,
  httpError,
  programmingError,
  validationError,
} from "../errors.js";
import { createLogger, type Logger } from "../log.js";
import type { Reply } from "./reply.js";
import type { AuthMode, RouteDef } from "./route.js";
import { describeIssues } from "./validation.js";

export type Event = APIGatewayProxyEventV2;
export type Result = APIGatewayProxyStructuredResultV2;

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;.*)?$/i;
/**
 * Answer this long before the Lambda's own time limit, so a slow chain of upstream calls still
 * gets the documented error instead of API Gateway's bare 503.
 */
export const DEADLINE_MARGIN_MS = 1500;
/** Lambda's own payload limit is 6 MB; nothing this API takes comes close to this. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface Input<P, Q, B, A extends AuthMode> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  user: A extends "user" ? User : undefined;
  headers: Record<string, string | undefined>;
  /** The raw API Gateway event, for the rare handler that needs the method or path. */
  event: Event;
  requestId: string;
  log: Logger;
}

export type Business<P, Q, B, A extends AuthMode> = (
  input: Input<P, Q, B, A>,
  deps: Deps,
) => Promise<Reply>;

interface State {
  deps: Deps;
  log: Logger;
  started: number;
  requestId: string;
  user?: User;
  body?: unknown;
  params?: unknown;
  query?: unknown;
}

type Req = Request<Event, Result, Error, Context, { nb?: State }>;

const state = (request: Req): State => {
  const s = request.internal.nb;
  if (!s) throw new Error("request context missing");
  return s;
};

function toResult(reply: Reply, requestId: string): Result {
  const headers: Record<string, string> = { "x-request-id": requestId, ...reply.headers };
  if (reply.json !== undefined) {
    headers["content-type"] = reply.contentType ?? "application/json";
    return { statusCode: reply.status, headers, body: JSON.stringify(reply.json) };
  }
  if (reply.text !== undefined) {
    headers["content-type"] = reply.contentType ?? "text/plain; charset=utf-8";
    return { statusCode: reply.status, headers, body: reply.text };
  }
  return { statusCode: reply.status, headers, body: "" };
}

/** Path parameters may arrive still percent-encoded (encoded slashes in project paths). */
function decodeParams(params: Record<string, string | undefined> | undefined) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined) continue;
    try {
      out[k] = /%[0-9A-Fa-f]{2}/.test(v) ? decodeURIComponent(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

function readBody(event: Event): unknown {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === "") return {};
  const text = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw httpError(413);
  const type = event.headers["content-type"];
  if (!type || !JSON_TYPE.test(type)) {
    throw httpError(415, { detail: "The request body must be sent as application/json." });
  }
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse messages quote the input, which may hold secrets: say only that it failed.
    throw validationError("The request body is not valid JSON.");
  }
}

function parsePart(schema: z.ZodType | undefined, value: unknown, root: string) {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(describeIssues(result.error.issues, root));
  return result.data;
}

/** Before the dependencies exist (a bad configuration) errors still reach the log, on stderr. */
let bootLog: Logger | undefined;
const fallbackLog = () => {
  bootLog ??= createLogger("info", process.stderr);
  return bootLog;
};

function errorResult(error: unknown, s: State | undefined): Result {
  const log = s?.log ?? fallbackLog();
  let appError: AppError;
  if (error instanceof AppError) appError = error;
  else if (error instanceof ConfigError) {
    log?.error({ problems: error.problems }, "invalid configuration");
    appError = configurationError();
  } else if (isHttpError(error)) appError = httpError(error.statusCode);
  else {
    log?.error({ err: error }, "unexpected error");
    appError = programmingError();
  }
  if (appError.status >= 500 && error instanceof AppError) {
    log?.error({ code: appError.code, err: appError.cause ?? appError }, appError.message);
  }
  return toResult(
    { status: appError.status, json: appError.toJSON(), headers: appError.headers },
    s?.requestId ?? "unknown",
  );
}

const isHttpError = (e: unknown): e is { statusCode: number } =>
  typeof e === "object" &&
  e !== null &&
  typeof (e as { statusCode?: unknown }).statusCode === "number";

function requestContext(route: RouteDef): MiddlewareObj<Event, Result, Error, Context> {
  return {
    before: (request) => {
      const requestId =
        request.context?.awsRequestId ?? request.event.requestContext?.requestId ?? "local";
      // getDeps() throws ConfigError on a bad configuration: the first request reports it.
      const deps = getDeps();
      const log = deps.log.child({ requestId, route: route.id });
      (request as Req).internal.nb = { deps, log, started: performance.now(), requestId };
    },
  };
}

function authentication(route: RouteDef): MiddlewareObj<Event, Result, Error, Context> {
  return {
    before: async (request) => {
      if (route.auth === "none") return;
      const s = state(request as Req);
      const { config } = s.deps;
      s.user = await authenticate(request.event.headers ?? {}, {
        anonymousEnabled: config.anonymous_sessions_enabled,
        verifyIdToken: s.deps.verifyIdToken,
        gitlabUrl: config.git.url,
        strict: config.stage !== LOCAL_STAGE,
      });
    },
  };
}

function validation(route: RouteDef): MiddlewareObj<Event, Result, Error, Context> {
  return {
    before: (request) => {
      const s = state(request as Req);
      const { event } = request;
      s.params = parsePart(route.params, decodeParams(event.pathParameters), "");
      s.query = parsePart(route.query, event.queryStringParameters ?? {}, "");
      if (route.body) s.body = parsePart(route.body, readBody(event), "");
    },
  };
}

function errorHandler(): MiddlewareObj<Event, Result, Error, Context> {
  return {
    onError: (request) => {
      const s = (request as Req).internal.nb;
      request.response = errorResult(request.error, s);
    },
  };
}

function accessLog(): MiddlewareObj<Event, Result, Error, Context> {
  const done = (request: Request<Event, Result, Error, Context>) => {
    const s = (request as Req).internal.nb;
    s?.log.info(
      {
        method: request.event.requestContext?.http?.method,
        status: request.response?.statusCode,
        ms: s ? Math.round(performance.now() - s.started) : undefined,
      },
      "request",
    );
  };
  return { after: done, onError: done };
}

export function handler<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  A extends AuthMode,
>(route: RouteDef<P, Q, B, A>, business: Business<P, Q, B, A>) {
  const base = async (_event: Event, context: Context): Promise<Result> => {
    const s = (context as unknown as { nb: State }).nb;
    const reply = await business(
      {
        params: s.params as Out<P>,
        query: s.query as Out<Q>,
        body: s.body as Out<B>,
        user: s.user as Input<P, Q, B, A>["user"],
        headers: _event.headers ?? {},
        event: _event,
        requestId: s.requestId,
        log: s.log,
      },
      s.deps,
    );
    return toResult(reply, s.requestId);
  };
  const r = route as unknown as RouteDef;
  return middy<Event, Result, Error, Context>(base, {
    timeoutEarlyInMillis: DEADLINE_MARGIN_MS,
    timeoutEarlyResponse: () => {
      throw deadlineError();
    },
  })
    .use(accessLog())
    .use(requestContext(r))
    .use(httpHeaderNormalizer())
    .use(authentication(r))
    .use(validation(r))
    .use({
      // Hand the state to the base handler through the context object middy passes it.
      before: (request) => {
        (request.context as unknown as { nb: State }).nb = state(request as Req);
      },
    })
    .use(errorHandler());
}

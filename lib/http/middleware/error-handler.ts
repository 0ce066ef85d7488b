/** Any failure becomes the documented error body; unexpected ones are logged, never echoed. */
import type { MiddlewareObj } from "@middy/core";
import { toV2Error } from "../../api/v2/errors.js";
import { ConfigError } from "../../config/load.js";
import { AppError, configurationError, httpError, programmingError } from "../../errors.js";
import { createLogger, type Logger } from "../../obs/log.js";
import { currentMetrics } from "../../obs/metrics.js";
import type { Event, Req, Result, StateContext } from "../context.js";
import { errorReply, toResult } from "../result.js";

/** Before the dependencies exist (a bad configuration) errors still reach the log, on stderr. */
let bootLog: Logger | undefined;
const fallbackLog = () => {
  bootLog ??= createLogger("info", process.stderr);
  return bootLog;
};

const isHttpError = (e: unknown): e is { statusCode: number } =>
  typeof e === "object" &&
  e !== null &&
  typeof (e as { statusCode?: unknown }).statusCode === "number";

function toAppError(error: unknown, log: Logger): AppError {
  let appError: AppError;
  if (error instanceof AppError) appError = error;
  else if (error instanceof ConfigError) {
    log.error({ problems: error.problems }, "invalid configuration");
    appError = configurationError();
  } else if (isHttpError(error)) appError = httpError(error.statusCode);
  else {
    log.error({ err: error }, "unexpected error");
    appError = programmingError();
  }
  if (appError.status >= 500 && error instanceof AppError) {
    log.error({ code: appError.code, err: appError.cause ?? appError }, appError.message);
  }
  return appError;
}

export function errorHandler(flavour?: "v2"): MiddlewareObj<Event, Result, Error, StateContext> {
  return {
    onError: (request: Req) => {
      const ctx = request.context;
      const mapped = toAppError(request.error, ctx.log ?? fallbackLog());
      const appError = flavour === "v2" ? toV2Error(mapped) : mapped;
      currentMetrics()?.failedWith(appError.code);
      request.response = toResult(errorReply(appError), ctx.requestId ?? "unknown");
    },
  };
}

/**
 * renku-data-services' error space for the v2 routes (v2-sessions.md 1.4): the same body
 * `{"error": {"code", "message", "detail"?}}`, but codes are 1000 + the HTTP status for the
 * caller's errors (1404, 1422, ...) and 1500 for a server error; validation failures say
 * `There are errors in the following fields, <field>: <message>, …` as its pydantic layer does.
 */
import type { z } from "zod";
import { AppError } from "../../errors.js";

/** Any AppError of the shared code (v1 codes 1xxx-3xxx) in data-services' code space. */
export function toV2Error(e: AppError): AppError {
  const code = e.status === 500 ? 1500 : 1000 + e.status;
  if (code === e.code) return e;
  return new AppError(e.status, code, e.message, {
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
    headers: e.headers,
    cause: e.cause ?? e,
  });
}

const MAX_FIELDS = 20;

const describe = (issue: z.core.$ZodIssue): string => {
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined"))
    return "Field required";
  return issue.message;
};

export function v2ValidationError(issues: readonly z.core.$ZodIssue[]): AppError {
  const parts = issues
    .slice(0, MAX_FIELDS)
    .map((i) => `${i.path.map(String).join(".") || "body"}: ${describe(i).slice(0, 200)}`);
  const more = issues.length > MAX_FIELDS ? ` (${issues.length - MAX_FIELDS} more)` : "";
  return new AppError(
    422,
    1422,
    `There are errors in the following fields, ${parts.join(", ")}${more}`,
  );
}

/** The v2 routes' own errors, as data-services words them. */
export const v2Errors = {
  missing: (message: string) => new AppError(404, 1404, message),
  invalid: (message: string, detail?: string) =>
    new AppError(422, 1422, message, detail === undefined ? {} : { detail }),
  unauthorized: (message: string) => new AppError(401, 1401, message),
  server: (message: string, detail?: string) =>
    new AppError(500, 1500, message, detail === undefined ? {} : { detail }),
};

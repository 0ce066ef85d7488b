/**
 * A Reply (or an AppError) as the API Gateway result, with the request id and the browser's
 * security headers on every answer (a reply may set its own Content-Security-Policy).
 */

import { SECURITY_HEADERS } from "../api/security-headers.js";
import type { AppError } from "../errors.js";
import type { Result } from "./context.js";
import type { Reply } from "./reply.js";

export function toResult(reply: Reply, requestId: string): Result {
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    "x-request-id": requestId,
    ...reply.headers,
  };
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

export const errorReply = (e: AppError): Reply => ({
  status: e.status,
  json: e.toJSON(),
  headers: e.headers,
});

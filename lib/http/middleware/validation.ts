/** Path parameters, query and JSON body, each checked against the route's zod schema (422). */
import type { MiddlewareObj } from "@middy/core";
import * as z from "zod/mini";
import type { RouteDef } from "../../api/route.js";
import { v2ValidationError } from "../../api/v2/errors.js";
import { validationError } from "../../errors.js";
import type { Event, Req, Result, StateContext } from "../context.js";
import { describeIssues } from "../validation.js";
import { readJsonBody } from "./json-body.js";

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

function parsePart(schema: z.core.$ZodType | undefined, value: unknown, v2: boolean) {
  if (!schema) return undefined;
  const result = z.safeParse(schema, value);
  if (!result.success)
    throw v2
      ? v2ValidationError(result.error.issues)
      : validationError(describeIssues(result.error.issues, ""));
  return result.data;
}

export function validation(route: RouteDef): MiddlewareObj<Event, Result, Error, StateContext> {
  return {
    before: (request: Req) => {
      const { event, context } = request;
      const v2 = route.errors === "v2";
      context.params = parsePart(route.params, decodeParams(event.pathParameters), v2);
      context.query = parsePart(route.query, event.queryStringParameters ?? {}, v2);
      if (route.body) context.body = parsePart(route.body, readJsonBody(event), v2);
    },
  };
}

/**
 * The request body as JSON: empty is {}, anything else must be application/json (415), at most
 * MAX_BODY_BYTES (413) and parse (422). @middy/http-json-body-parser is not used: it has no size
 * limit and its 415/422 errors would still need translating into the documented error bodies.
 */
import { httpError, validationError } from "../../errors.js";
import type { Event } from "../context.js";

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;.*)?$/i;
/** Lambda's own payload limit is 6 MB; nothing this API takes comes close to this. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function readJsonBody(event: Event): unknown {
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

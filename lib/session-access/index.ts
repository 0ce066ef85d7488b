/** Access to one user's existing sessions: lookup with ownership, stop, logs, PATCH. */

export { readSessionLogs } from "./logs.js";
export { findOwnedServer, notFoundMessages, requireOwnedServer } from "./lookup.js";
export { patchSession, pvDisabledError, type SessionPatch } from "./patch.js";
export { type PoolSource, resourcesForClass } from "./resource-class.js";
export { reinjectTokens } from "./resume.js";
export { stopSession } from "./stop.js";

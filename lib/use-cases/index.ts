/** The session use cases: launch (POST), and lookup with ownership, stop, logs, events, PATCH. */

export { readSessionEvents } from "./events.js";
export { launchSession } from "./launch/launch.js";

export { readSessionLogs } from "./logs.js";
export { notFoundMessages, requireOwnedServer } from "./lookup.js";
export { patchSession } from "./patch.js";

export { stopSession } from "./stop.js";

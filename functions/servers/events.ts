/**
 * GET /notebooks/servers/{name}/events?since= : the caller's session's Kubernetes events, oldest
 * first, mapped to status steps; anyone else's session is 404. The flow: lib/use-cases/events.ts.
 */
import { sessions } from "../../lib/adapters/sessions.js";
import { serverEvents } from "../../lib/api/routes.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { readSessionEvents } from "../../lib/use-cases/index.js";

export const main = handler(
  serverEvents,
  async ({ params, query, user }, deps) =>
    ok(await readSessionEvents(deps, user, params.server_name, query.since)),
  { sessions },
);

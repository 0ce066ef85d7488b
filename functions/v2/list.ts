/** GET /api/data/sessions: the caller's sessions, all types unless session_type is given. */
import { amaltheaSessions } from "../../lib/adapters/amalthea-sessions.js";
import { v2List } from "../../lib/api/v2/routes.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { toSessionResponse } from "../../lib/use-cases/v2/serialize.js";
import { listSessions } from "../../lib/use-cases/v2/sessions.js";

export const main = handler(
  v2List,
  async ({ query, user }, deps) =>
    ok((await listSessions(deps, user, query.session_type)).map(toSessionResponse)),
  { amaltheaSessions },
);

/** GET /api/data/sessions/{session_id}: one of the caller's sessions, else 404 code 1404. */
import { amaltheaSessions } from "../../lib/adapters/amalthea-sessions.js";
import { v2Errors } from "../../lib/api/v2/errors.js";
import { v2Get } from "../../lib/api/v2/routes.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { toSessionResponse } from "../../lib/use-cases/v2/serialize.js";
import { findSession } from "../../lib/use-cases/v2/sessions.js";

export const main = handler(
  v2Get,
  async ({ params, user }, deps) => {
    const cr = await findSession(deps, user, params.session_id);
    if (!cr) throw v2Errors.missing(`The session with ID ${params.session_id} does not exist.`);
    return ok(toSessionResponse(cr));
  },
  { amaltheaSessions },
);

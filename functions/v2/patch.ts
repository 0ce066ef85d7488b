/** PATCH /api/data/sessions/{session_id}: state, resource_class_id, lastInteraction. */
import { amaltheaSessions } from "../../lib/adapters/amalthea-sessions.js";
import { dataServices } from "../../lib/adapters/data-services.js";
import { v2Patch } from "../../lib/api/v2/routes.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { patchSession } from "../../lib/use-cases/v2/patch.js";
import { toSessionResponse } from "../../lib/use-cases/v2/serialize.js";

export const main = handler(
  v2Patch,
  async ({ params, body, user }, deps) =>
    ok(toSessionResponse(await patchSession(deps, user, params.session_id, body))),
  { amaltheaSessions, dataServices },
);

/** POST /api/data/sessions: 201 with the new session, 200 when this launch's session exists. */
import { amaltheaSessions } from "../../lib/adapters/amalthea-sessions.js";
import { dataServices } from "../../lib/adapters/data-services.js";
import { registry } from "../../lib/adapters/registry.js";
import { v2Create } from "../../lib/api/v2/routes.js";
import { handler } from "../../lib/http/handler.js";
import { created, ok } from "../../lib/http/reply.js";
import { launchSession } from "../../lib/use-cases/v2/launch.js";
import { toSessionResponse } from "../../lib/use-cases/v2/serialize.js";

export const main = handler(
  v2Create,
  async ({ body, user, log }, deps) => {
    const result = await launchSession(deps, user, body, log);
    const json = toSessionResponse(result.session);
    return result.created ? created(json) : ok(json);
  },
  { amaltheaSessions, dataServices, registry },
);

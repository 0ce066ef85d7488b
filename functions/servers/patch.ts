/** PATCH /notebooks/servers/{name} (section 10): hibernate, resume, change the resource class. */
import { k8s } from "../../lib/adapters/k8s.js";
import { quotas } from "../../lib/adapters/quotas.js";
import { resources } from "../../lib/adapters/resources.js";
import { sessions } from "../../lib/adapters/sessions.js";
import { stopHandOff } from "../../lib/adapters/stop-hand-off.js";
import { patchServer } from "../../lib/api/routes.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { patchSession } from "../../lib/use-cases/index.js";

export const main = handler(
  patchServer,
  async ({ params, body, user }, deps) => {
    // A new resource class comes from the pools this caller may use, asked with their token (D16a).
    const session = await patchSession(deps, user, params.server_name, body, deps.resources);
    return ok(deps.sessions.serialize(session, deps.now()));
  },
  { k8s, sessions, resources, quotas, stopHandOff },
);

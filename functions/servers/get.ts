/** GET /notebooks/servers/{name}: one of the caller's sessions; anyone else's is 404. One GET. */
import { sessions } from "../../lib/adapters/sessions.js";
import { getServer } from "../../lib/api/routes.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { notFoundMessages, requireOwnedServer } from "../../lib/use-cases/index.js";

export const main = handler(
  getServer,
  async ({ params, user }, deps) => {
    const name = params.server_name;
    const session = await requireOwnedServer(deps, user, name, notFoundMessages.get(name));
    return ok(deps.sessions.serialize(await deps.sessions.withRefusal(session), deps.now()));
  },
  { sessions },
);

/** GET /notebooks/servers/{name}: one of the caller's sessions; anyone else's is 404. One GET. */
import { k8s } from "../../lib/adapters/k8s.js";
import { getServer } from "../../lib/api/routes.js";
import { serializeServer } from "../../lib/backends/jupyterserver/index.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { notFoundMessages, requireOwnedServer } from "../../lib/use-cases/index.js";

export const main = handler(
  getServer,
  async ({ params, user }, deps) => {
    const name = params.server_name;
    const js = await requireOwnedServer(deps, user, name, notFoundMessages.get(name));
    return ok(serializeServer(js, deps.config, deps.now()));
  },
  { k8s },
);

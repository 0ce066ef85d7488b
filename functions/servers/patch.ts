/** PATCH /notebooks/servers/{name} (section 10): hibernate, resume, change the resource class. */

import { crc } from "../../lib/adapters/crc.js";
import { sessions } from "../../lib/adapters/sessions.js";
import { patchServer } from "../../lib/api/routes.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { type PoolSource, patchSession } from "../../lib/use-cases/index.js";

export const main = handler(
  patchServer,
  async ({ params, body, user }, deps) => {
    const crc = deps.crc;
    // The pools this caller may use, asked with their own token (D16a).
    const pools: PoolSource | undefined = crc ? (u) => crc.resourcePools(u.accessToken) : undefined;
    const session = await patchSession(deps, user, params.server_name, body, pools);
    return ok(deps.sessions.serialize(session, deps.now()));
  },
  { sessions, crc },
);

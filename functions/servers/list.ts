/**
 * GET /notebooks/servers (section 3.4): the caller's sessions, found by the safe-username label
 * (D12), filtered by project, namespace, branch and commit_sha (lib/use-cases/list-servers.ts).
 */
import { sessions } from "../../lib/adapters/sessions.js";
import { listServers } from "../../lib/api/routes.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { listOwnSessions } from "../../lib/use-cases/list-servers.js";

export const main = handler(
  listServers,
  async ({ query, user }, deps) => ok(await listOwnSessions(deps, user, query)),
  { sessions },
);

/**
 * GET /notebooks/servers (section 3.4): the caller's sessions, found by the safe-username label
 * (D12), filtered by project, namespace, branch and commit_sha. One Kubernetes list call.
 */
import { k8s } from "../../lib/adapters/k8s.js";
import { listServers } from "../../lib/api/routes.js";
import { serializeServers, toSessionView } from "../../lib/backends/jupyterserver/index.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { matchesFilters, ownsSession } from "../../lib/sessions/index.js";

export const main = handler(
  listServers,
  async ({ query, user }, deps) => {
    // The label narrows the list; ownership (same identity, not just the same safe username) decides.
    const servers = (await deps.k8s.listForUser(user.safeUsername)).filter((js) => {
      const view = toSessionView(js);
      return ownsSession(view.owner, user) && matchesFilters(view, query);
    });
    return ok(serializeServers(servers, deps.config, deps.now()));
  },
  { k8s },
);

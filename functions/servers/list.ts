/**
 * GET /notebooks/servers (section 3.4): the caller's sessions, found by the safe-username label
 * (D12), filtered by project, namespace, branch and commit_sha. One Kubernetes list call, from the
 * watch cache (AmaltheaSession: and the pods, only while some session is neither running nor
 * hibernated).
 */
import { sessions } from "../../lib/adapters/sessions.js";
import { LIMITS } from "../../lib/api/limits.js";
import { listServers } from "../../lib/api/routes.js";
import type { NotebookResponse } from "../../lib/backends/port.js";
import { AppError } from "../../lib/errors.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { matchesFilters, ownsSession } from "../../lib/sessions/index.js";

export const main = handler(
  listServers,
  async ({ query, user }, deps) => {
    // The label narrows the list; ownership (same identity, not just the same safe username) decides.
    const backend = deps.sessions;
    const now = deps.now();
    const servers: Record<string, NotebookResponse> = {};
    // A polling list: from the watch cache (a second's staleness is harmless here).
    for (const session of await backend.listForUser(user.safeUsername, { cached: true })) {
      const view = backend.view(session);
      if (ownsSession(view.owner, user) && matchesFilters(view, query))
        servers[session.name] = backend.serialize(session, now);
    }
    // About 2 KB a session: some 3,000 would pass Lambda's 6 MB answer. Refused whole, never cut.
    const bytes = Buffer.byteLength(JSON.stringify({ servers }));
    if (bytes > LIMITS.responseBytes)
      throw new AppError(
        500,
        3000,
        `The list of ${Object.keys(servers).length} sessions is too large to answer (${bytes} bytes).`,
        { detail: "Filter it by project, namespace, branch or commit_sha, or stop some sessions." },
      );
    return ok({ servers });
  },
  { sessions },
);

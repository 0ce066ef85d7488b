/**
 * GET /servers (section 3.4): the caller's sessions, found by the safe-username label (D12),
 * filtered by project, namespace, branch and commit_sha. One Kubernetes list call.
 */
import type { Deps } from "../adapters/deps.js";
import type { User } from "../auth/user.js";
import type { NotebookResponse } from "../backends/port.js";
import { matchesFilters, ownsSession } from "../sessions/index.js";

type Filters = Parameters<typeof matchesFilters>[1];

export async function listOwnSessions(
  deps: Pick<Deps, "sessions" | "now">,
  user: User,
  filters: Filters,
): Promise<{ servers: Record<string, NotebookResponse> }> {
  // The label narrows the list; ownership (same identity, not just the same safe username) decides.
  const backend = deps.sessions;
  const now = deps.now();
  const servers: Record<string, NotebookResponse> = {};
  for (const session of await backend.listForUser(user.safeUsername)) {
    const view = backend.view(session);
    if (ownsSession(view.owner, user) && matchesFilters(view, filters))
      servers[session.name] = backend.serialize(session, now);
  }
  return { servers };
}

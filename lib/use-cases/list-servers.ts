/**
 * GET /servers (section 3.4): the caller's sessions, found by the safe-username label (D12),
 * filtered by project, namespace, branch and commit_sha. One Kubernetes list call, from the watch
 * cache (AmaltheaSession: and the pods, only while some session is neither running nor hibernated);
 * two more while some session starts without a pod, however many do (their refusals, issue 23).
 */
import type { Deps } from "../adapters/deps.js";
import { LIMITS } from "../api/limits.js";
import type { User } from "../auth/user.js";
import type { NotebookResponse } from "../backends/port.js";
import { AppError } from "../errors.js";
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
  // A polling list: from the watch cache (a second's staleness is harmless here).
  const listed = await backend.listForUser(user.safeUsername, { cached: true });
  const shown = listed.filter((session) => {
    const view = backend.view(session);
    return ownsSession(view.owner, user) && matchesFilters(view, filters);
  });
  // A starting session that will get no pod says why (issue 23): read for all such sessions at
  // once, at most two more calls per kind however many start (a class polling while it launches).
  for (const session of await backend.withRefusals(shown))
    servers[session.name] = backend.serialize(session, now);
  // About 2 KB a session: some 3,000 would pass Lambda's 6 MB answer. Refused whole, never cut.
  const bytes = Buffer.byteLength(JSON.stringify({ servers }));
  if (bytes > LIMITS.responseBytes)
    throw new AppError(
      500,
      3000,
      `The list of ${Object.keys(servers).length} sessions is too large to answer (${bytes} bytes).`,
      { detail: "Filter it by project, namespace, branch or commit_sha, or stop some sessions." },
    );
  return { servers };
}

/** DELETE /servers/<name> (section 4.2): Foreground deletion, grace 0 when forced. */

import type { Deps } from "../adapters/deps.js";
import type { User } from "../auth/user.js";
import { AppError, deleteServerError, missingResource } from "../errors.js";
import { countEvent } from "../obs/metrics.js";
import { notFoundMessages, requireOwnedServer } from "./lookup.js";
import { handOffStop } from "./stop-hand-off.js";

/**
 * Two sequential Kubernetes calls: GET (ownership), DELETE. An AmaltheaSession with a git sidecar
 * is instead marked and its stop handed off, the sidecar's autosave first (D24), unless forced.
 */
export async function stopSession(
  deps: Pick<Deps, "sessions" | "stopHandOff" | "log" | "now">,
  user: Pick<User, "safeUsername" | "id" | "kind">,
  name: string,
  opts: { forced: boolean },
): Promise<void> {
  const message = notFoundMessages.delete(name, user.safeUsername);
  const session = await requireOwnedServer(deps, user, name, message, { resourceOnly: true });
  if (!opts.forced && (await handOffStop(deps, session, "delete"))) return;
  let deleted: boolean;
  try {
    deleted = await deps.sessions.delete(name, { forced: opts.forced });
  } catch (err) {
    // Whatever the cluster said (unavailable, refused), the caller sees the reference's 3001.
    throw deleteServerError({ cause: err instanceof AppError ? (err.cause ?? err) : err });
  }
  // Gone between the lookup and the delete (a concurrent stop): the same 404 as a missing one.
  if (!deleted) throw missingResource(message);
  countEvent("Stops");
}

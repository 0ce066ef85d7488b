/** DELETE /servers/<name> (section 4.2): Foreground deletion, grace 0 when forced. */

import type { Deps } from "../adapters/deps.js";
import type { User } from "../auth/user.js";
import { AppError, deleteServerError, missingResource } from "../errors.js";
import { countEvent } from "../obs/metrics.js";
import { notFoundMessages, requireOwnedServer } from "./lookup.js";

/** Two sequential Kubernetes calls: GET (ownership), DELETE. */
export async function stopSession(
  deps: Pick<Deps, "sessions">,
  user: Pick<User, "safeUsername" | "id" | "kind">,
  name: string,
  opts: { forced: boolean },
): Promise<void> {
  const message = notFoundMessages.delete(name, user.safeUsername);
  await requireOwnedServer(deps, user, name, message, { resourceOnly: true });
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

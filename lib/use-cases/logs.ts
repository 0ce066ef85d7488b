/** GET /logs/<name> (section 9): the session pod's logs, keyed by container. */

import type { Deps } from "../adapters/deps.js";
import { LIMITS } from "../api/limits.js";
import type { User } from "../auth/user.js";
import { AppError, intermittentError } from "../errors.js";
import { notFoundMessages, requireOwnedServer } from "./lookup.js";

/**
 * One lookup of the session, then one pods/log read per container of its pod, all
 * in parallel. Containers that have not started (400/404) or have no output are left out.
 */
export async function readSessionLogs(
  deps: Pick<Deps, "sessions">,
  user: Pick<User, "safeUsername" | "id" | "kind">,
  name: string,
  maxLines: number,
): Promise<Record<string, string>> {
  const session = await requireOwnedServer(
    deps,
    user,
    name,
    notFoundMessages.logs(name, user.safeUsername),
  );
  // tailLines=0 reads nothing; skip the calls (the answer is {} either way).
  if (maxLines === 0) return {};
  const { pod, containers } = deps.sessions.logTargets(session);
  const repo = deps.sessions;
  const entries = await Promise.all(
    containers.map(async (container) => {
      try {
        const text = await repo.readLogs(pod, container, {
          tailLines: maxLines,
          timestamps: true,
          // The line cap alone does not bound memory: one line may be megabytes long.
          limitBytes: LIMITS.logBytes,
        });
        return [container, text] as const;
      } catch (err) {
        throw intermittentError(`Logs cannot be read for pod ${pod}, container ${container}.`, {
          cause: err instanceof AppError ? (err.cause ?? err) : err,
        });
      }
    }),
  );
  const out: Record<string, string> = {};
  for (const [container, text] of entries) if (text) out[container] = text;
  return out;
}

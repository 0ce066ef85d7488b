/**
 * "The caller's session by name, or 404": one lookup of the session, then the ownership check
 * by label (D12). Someone else's session is indistinguishable from a missing one.
 */

import type { Deps } from "../adapters/deps.js";
import type { User } from "../auth/user.js";
import type { Session } from "../backends/port.js";
import { missingResource } from "../errors.js";
import { ownsSession } from "../sessions/ownership.js";

/** The reference's 404 messages, per endpoint (clients match on them). */
export const notFoundMessages = {
  get: (name: string) => `The server ${name} does not exist.`,
  delete: (name: string, safeUsername: string) =>
    `Cannot find server ${name} for user ${safeUsername} in order to delete it.`,
  logs: (name: string, safeUsername: string) =>
    `Cannot find server ${name} for user ${safeUsername} to read the logs from.`,
} as const;

/**
 * The session if it exists and belongs to the caller; one Kubernetes GET (AmaltheaSession: and its
 * pod, unless `resourceOnly`: enough to check the owner and delete, not to serialise).
 */
export async function findOwnedServer(
  deps: Pick<Deps, "sessions">,
  user: Pick<User, "safeUsername" | "id" | "kind">,
  name: string,
  opts: { resourceOnly?: boolean } = {},
): Promise<Session | undefined> {
  const session = await (opts.resourceOnly
    ? deps.sessions.getResource(name)
    : deps.sessions.get(name));
  return session && ownsSession(deps.sessions.owner(session), user) ? session : undefined;
}

/** As findOwnedServer, but a missing or foreign session is a 404 with `message`. */
export async function requireOwnedServer(
  deps: Pick<Deps, "sessions">,
  user: Pick<User, "safeUsername" | "id" | "kind">,
  name: string,
  message: string,
  opts: { resourceOnly?: boolean } = {},
): Promise<Session> {
  const js = await findOwnedServer(deps, user, name, opts);
  if (!js) throw missingResource(message);
  return js;
}

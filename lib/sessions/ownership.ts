/** Who owns a session (section 3), decided on the session view. */
import type { User } from "../auth/user.js";
import type { SessionView } from "./view.js";

/**
 * Ownership: a session belongs to the caller iff its safe username is theirs (else 404) and it was
 * made for the same identity. The safe username alone is not enough: escaping lower-cases, so
 * "Alice", "alice" and an anonymous id "alice" (which any client can send) all share one.
 */
export function ownsSession(
  owner: SessionView["owner"],
  user: Pick<User, "safeUsername" | "id">,
): boolean {
  return owner.safeUsername === user.safeUsername && owner.userId === user.id;
}

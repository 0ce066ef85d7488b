/** Who owns a session (section 3), decided on the session view. */
import type { User } from "../auth/user.js";
import type { SessionView } from "./view.js";

export type Owner = Pick<User, "safeUsername" | "id" | "kind">;

/**
 * Ownership: a session belongs to the caller iff its safe username, user id and identity kind are
 * theirs (else 404). The safe username alone is not enough: escaping lower-cases, so "Alice",
 * "alice" and an anonymous id "alice" (which any client can send) all share one; nor are the two
 * ids, since an anonymous id can equal a registered user's `sub`. Sessions made before the kind was
 * recorded fall back to the username and id alone.
 */
export function ownsSession(owner: SessionView["owner"], user: Owner): boolean {
  if (owner.safeUsername !== user.safeUsername || owner.userId !== user.id) return false;
  return owner.kind === undefined || owner.kind === null || owner.kind === user.kind;
}

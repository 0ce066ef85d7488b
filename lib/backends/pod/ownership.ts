/**
 * Who owns a session (either resource), read from its labels and annotations (section 3), and
 * its pod's name.
 */
import type { User } from "../../auth/user.js";
import { ownsSession } from "../../sessions/ownership.js";
import { SAFE_USERNAME_LABEL } from "./launch.js";
import { sessionOwner, type ViewSource } from "./view.js";

/** Ownership (lib/sessions/ownership.ts) of a session's resource, read through the session view. */
export function isOwnedBy(
  js: ViewSource,
  user: Pick<User, "safeUsername" | "id" | "kind">,
): boolean {
  return ownsSession(sessionOwner(js), user);
}

/** The label selector that lists a user's sessions (D12). */
export const ownerSelector = (user: Pick<User, "safeUsername">) =>
  `${SAFE_USERNAME_LABEL}=${user.safeUsername}`;

/** The session's pod: always `<name>-0` (Amalthea StatefulSet). */
export const podName = (name: string) => `${name}-0`;

import { createHash } from "node:crypto";
import { escapeName, MAX_SAFE_USERNAME } from "../auth/escape.js";
import { userInputError } from "../errors.js";

/**
 * The session's name (D5, the >=1.24 formula): `{(p + safe)[:12]}-{escape(project)[:20]}-{md5[:8]}`
 * where p is "n" when the safe username does not start with an ASCII letter. At most 42
 * characters, because Amalthea appends suffixes and labels stop at 63.
 */
export function serverName(
  safeUsername: string,
  namespace: string,
  project: string,
  branch: string,
  commitSha: string,
): string {
  const digest = createHash("md5")
    .update(`${safeUsername}-${namespace}-${project}-${branch}-${commitSha}`)
    .digest("hex")
    .toLowerCase();
  const prefix = /^[A-Za-z]/.test(safeUsername) ? "" : "n";
  return `${(prefix + safeUsername).slice(0, 12)}-${escapeName(project).slice(0, 20)}-${digest.slice(0, 8)}`;
}

/** POST refuses usernames whose escaped form cannot be a label value (422, reference wording). */
export function assertSafeUsernameLength(safeUsername: string): void {
  if (safeUsername.length > MAX_SAFE_USERNAME) {
    throw userInputError(
      `A username cannot be longer than ${MAX_SAFE_USERNAME} characters, your username is ${safeUsername.length} characters long.`,
      { detail: "This can occur if your username has been changed manually or by an admin." },
    );
  }
  // Escaping leaves [a-z0-9-]; a leading or trailing escaped character makes "-" an end, which
  // Kubernetes refuses in the safe-username label (the create would fail as a 500).
  if (safeUsername.startsWith("-") || safeUsername.endsWith("-")) {
    throw userInputError(
      "A username must start and end with a letter or a digit to start a session.",
      { detail: "This can occur if your username has been changed manually or by an admin." },
    );
  }
}

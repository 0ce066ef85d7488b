import { createHash } from "node:crypto";
import { escapeName, MAX_SAFE_USERNAME } from "../auth/escape.js";
import type { User } from "../auth/user.js";
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
  /** Hashed in front of the rest; "" keeps the reference's names (registered users). */
  salt = "",
): string {
  const digest = createHash("md5")
    .update(`${salt}${safeUsername}-${namespace}-${project}-${branch}-${commitSha}`)
    .digest("hex")
    .toLowerCase();
  return `${userPart(safeUsername)}-${escapeName(project).slice(0, 20)}-${digest.slice(0, 8)}`;
}

/**
 * The name renku-notebooks 1.18.1 gave the same launch: the prefix before a 10-character username,
 * 24 characters of the project, the same md5. It differs from ours for escaped usernames over 10
 * (or 11 with the prefix) characters and projects over 20, so POST looks for it too.
 */
function name1181(
  safeUsername: string,
  namespace: string,
  project: string,
  branch: string,
  commitSha: string,
): string {
  const digest = createHash("md5")
    .update(`${safeUsername}-${namespace}-${project}-${branch}-${commitSha}`)
    .digest("hex");
  const lower = safeUsername.toLowerCase();
  const prefix = /^[a-z]/.test(lower) ? "" : "n";
  return `${prefix}${lower.slice(0, 10)}-${escapeName(project).slice(0, 24)}-${digest.slice(0, 8)}`;
}

const userPart = (safeUsername: string) =>
  `${/^[A-Za-z]/.test(safeUsername) ? "" : "n"}${safeUsername}`.slice(0, 12);

export interface NameTarget {
  namespace: string;
  project: string;
  branch: string;
  commitSha: string;
}

/**
 * The names a caller's session for one launch may have (issue 14, DECISION in docs/spec.md 3.1):
 * `create` in order of preference, `known` adds names older versions gave it (idempotency only).
 * - primary: the reference's formula for registered users, so their sessions keep their names;
 *   anonymous ids hash "anonymous:" first, so they never derive a registered user's name;
 * - alternate, used when a foreign session holds the primary: the same shape with a 16-digit
 *   SHA-256 of the identity kind, the user id and the launch, which no other identity derives
 *   (a 64-bit digest cannot be forced the way the primary's 32 bits can).
 */
export function sessionNames(
  user: Pick<User, "kind" | "id" | "safeUsername">,
  t: NameTarget,
): { create: [string, string]; known: string[] } {
  const args = [user.safeUsername, t.namespace, t.project, t.branch, t.commitSha] as const;
  const legacy = serverName(...args);
  const primary = user.kind === "registered" ? legacy : serverName(...args, "anonymous:");
  const digest = createHash("sha256")
    .update(JSON.stringify([user.kind, user.id, t.namespace, t.project, t.branch, t.commitSha]))
    .digest("hex");
  const alternate = `${userPart(user.safeUsername)}-${escapeName(t.project).slice(0, 12)}-${digest.slice(0, 16)}`;
  const create: [string, string] = [primary, alternate];
  const older = [legacy, name1181(...args)].filter((n) => !create.includes(n));
  return { create, known: [...create, ...new Set(older)] };
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

/**
 * The name renku-data-services gives a v2 session (amaltheasession.md 6.1), reproduced exactly so
 * that a POST here finds a session data-services created for the same launch, and back:
 * `<slug[:12]>-<md5(userId-projectId-launcherId-clusterId[-submissionId])[:12]>`, where the slug
 * comes from the e-mail's local part, else the names, else `user_<id>`. Jobs are prefixed
 * `j-<slug>-<submissionId>`. Checked against data-services' own function (test/unit/use-cases/v2/).
 */
import { createHash } from "node:crypto";

/** data-services' default cluster (k8s/constants.py). */
export const DEFAULT_CLUSTER_ID = "0RENK1RENK2RENK3RENK4RENK5";

export interface NameIdentity {
  id: string;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

export class SlugError extends Error {}

/** A name made into a slug: lower case, ASCII, runs of `._-` collapsed, no `.git`/`.atom` end. */
function slugFromName(name: string): string {
  let s = name.toLowerCase().replace(/\s+/gu, "-");
  // NFKD, then every non-ASCII code point dropped (Python's encode("ascii", "ignore")).
  s = Array.from(s.normalize("NFKD"))
    .filter((ch) => (ch.codePointAt(0) ?? 128) < 128)
    .join("");
  s = s.replace(/[^\w._-]/g, "-");
  s = s.replace(/([._-])[._-]+/g, "$1");
  s = s.replace(/^[._-]/, "").replace(/[._-]$/, "");
  s = s.replace(/(\.atom|\.git)+$/, "");
  if (s.length === 0)
    throw new SlugError(
      "The name for the project contains too many invalid characters so a slug could not be generated",
    );
  if (!/^(?!.*\.git$|.*\.atom$|.*[-._][-._].*)[a-zA-Z0-9][a-zA-Z0-9\-_.]*$/.test(s))
    throw new SlugError(`The slug ${s} does not match the slug rules`);
  return s;
}

/** data-services' user slug: e-mail local part, else "first-last", last, first, else `user_<id>`. */
export function userSlug(user: NameIdentity): string {
  let raw: string;
  if (user.email) raw = user.email.split("@")[0] as string;
  else if (user.firstName && user.lastName) raw = `${user.firstName}-${user.lastName}`;
  else if (user.lastName) raw = user.lastName;
  else if (user.firstName) raw = user.firstName;
  else raw = `user_${user.id}`;
  // 80 code points, as Python slices a str.
  return slugFromName(Array.from(raw).slice(0, 80).join(""));
}

export function sessionName(
  user: NameIdentity,
  projectId: string,
  launcherId: string,
  clusterId: string = DEFAULT_CLUSTER_ID,
  submissionId?: string,
): string {
  const safe = userSlug(user)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-");
  let prefix = /^[a-z]/.test(safe) ? safe : `n${safe}`;
  if (submissionId) prefix = `j-${prefix}-${submissionId}`;
  let hashed = `${user.id}-${projectId}-${launcherId}-${clusterId}`;
  if (submissionId) hashed = `${hashed}-${submissionId}`;
  const hash = createHash("md5").update(hashed).digest("hex");
  return `${prefix.slice(0, 12)}-${hash.slice(0, 12)}`;
}

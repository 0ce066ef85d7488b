/**
 * The scheduled clean-up's policy (D17), pure. A branch is deleted only when it parses as an
 * autosave AND either its head commit is older than the retention, or a strictly newer autosave of
 * the same user, session branch and root commit exists (recovery only ever restores one of those).
 */
import { parseAutosaveName } from "./branch-name.js";

export const DAY_MS = 86_400_000;

export interface RetentionInput {
  name: string;
  /** The branch head's committed_date as GitLab gives it. */
  committedDate: string;
}

export type DeleteReason = "expired" | "superseded";
export type KeepReason = "recent" | "undated" | "not-autosave";
export type RetentionReason = DeleteReason | KeepReason;

export type RetentionDecision =
  | { name: string; action: "delete"; reason: DeleteReason; supersededBy?: string }
  | { name: string; action: "keep"; reason: KeepReason };

/** The key autosaves compete under: only the newest per key can ever be recovered. */
function groupKey(p: { username: string; branch: string; root: string }): string {
  return JSON.stringify([p.username, p.branch, p.root]);
}

/**
 * One decision per input, in input order. A date that does not parse is never "old" and never
 * "newer": such a branch is kept, and it supersedes nothing. A head dated in the future is recent.
 */
export function decideRetention(
  branches: readonly RetentionInput[],
  now: Date,
  retentionMs: number,
): RetentionDecision[] {
  const parsed = branches.map((b) => {
    const p = parseAutosaveName(b.name);
    const t = Date.parse(b.committedDate);
    return { name: b.name, p, t: Number.isNaN(t) ? undefined : t };
  });

  // The newest dated autosave per key (strict maximum; ties supersede nothing).
  const newest = new Map<string, { t: number; name: string }>();
  for (const { name, p, t } of parsed) {
    if (!p || t === undefined) continue;
    const key = groupKey(p);
    const cur = newest.get(key);
    if (!cur || t > cur.t) newest.set(key, { t, name });
  }

  const cutoff = now.getTime() - retentionMs;
  return parsed.map(({ name, p, t }): RetentionDecision => {
    if (!p) return { name, action: "keep", reason: "not-autosave" };
    if (t === undefined) return { name, action: "keep", reason: "undated" };
    if (t < cutoff) return { name, action: "delete", reason: "expired" };
    const top = newest.get(groupKey(p));
    if (top && top.t > t)
      return { name, action: "delete", reason: "superseded", supersededBy: top.name };
    return { name, action: "keep", reason: "recent" };
  });
}

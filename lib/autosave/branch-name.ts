/**
 * Autosave branch names (docs/spec.md section 8):
 * `renku/autosave/<username>/<session branch>/<root commit[:7]>/<HEAD commit[:7]>`.
 */

export const AUTOSAVE_PREFIX = "renku/autosave/";
/** GitLab branch-list `search` value that anchors on the prefix. */
export const AUTOSAVE_SEARCH = `^${AUTOSAVE_PREFIX}`;

export interface AutosaveName {
  /** The raw Renku username (not escaped); never contains '/'. */
  username: string;
  /** The session's branch; may contain '/'. */
  branch: string;
  /** First 7 characters of the commit the session was launched from. */
  root: string;
  /** First 7 characters of the session's local HEAD at shutdown. */
  head: string;
}

// Anchored at both ends; `.` stops at line breaks, so no name spanning lines parses. The branch is
// greedy, so the last two segments are always the two short SHAs.
const PATTERN =
  /^renku\/autosave\/(?<username>[^/\r\n]+)\/(?<branch>.+)\/(?<root>[a-zA-Z0-9]{7})\/(?<head>[a-zA-Z0-9]{7})$/;

/** The parts of a well-formed autosave branch name, or undefined for anything else. */
export function parseAutosaveName(name: string): AutosaveName | undefined {
  const g = PATTERN.exec(name)?.groups;
  if (!g?.username || !g.branch || !g.root || !g.head) return undefined;
  return { username: g.username, branch: g.branch, root: g.root, head: g.head };
}

/**
 * The branch name for an autosave. `root` and `head` may be full SHAs (they are cut to 7 characters).
 * Throws when the parts cannot make a name that parses back to the same parts.
 */
export function formatAutosaveName(parts: AutosaveName): string {
  const name = `${AUTOSAVE_PREFIX}${parts.username}/${parts.branch}/${parts.root.slice(0, 7)}/${parts.head.slice(0, 7)}`;
  const back = parseAutosaveName(name);
  if (
    !back ||
    back.username !== parts.username ||
    back.branch !== parts.branch ||
    back.root !== parts.root.slice(0, 7) ||
    back.head !== parts.head.slice(0, 7)
  ) {
    throw new Error("Cannot form an autosave branch name from these parts");
  }
  return name;
}

/** The parsed name when it is a well-formed autosave belonging to `username`; else undefined. */
export function parseOwnAutosave(name: string, username: string): AutosaveName | undefined {
  const parsed = parseAutosaveName(name);
  return parsed && parsed.username === username ? parsed : undefined;
}

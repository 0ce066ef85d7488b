/**
 * Clean-up on launch (D11): after a session starts at `commit`, the caller's autosaves in the project
 * whose root commit is a proper ancestor of `commit` are stale (their work was pushed and built on),
 * so they are deleted. The reference compared a 40-character merge base with the 7-character root and
 * so never deleted anything; here full SHAs are compared.
 */
import pLimit from "p-limit";
import { AUTOSAVE_SEARCH, type AutosaveName, parseOwnAutosave } from "./branch-name.js";
import { type AutosaveGitLab, type AutosaveLog, describeError } from "./ports.js";

export interface LaunchCleanupInput {
  projectId: number;
  /** The caller's raw Renku username. */
  username: string;
  /** The commit the new session was launched from (full SHA preferred). */
  commit: string;
  log: AutosaveLog;
  /** GitLab calls in flight at once (default 4). */
  concurrency?: number;
}

export type LaunchKeepReason = "same-commit" | "not-ancestor" | "no-merge-base";

export interface LaunchCleanupResult {
  deleted: string[];
  kept: { name: string; reason: LaunchKeepReason }[];
  failed: { name: string; error: string }[];
}

/**
 * Whether the autosave's root (7 characters) is a proper ancestor of `commit`, given the merge base
 * GitLab computed for the pair [root, commit]. The merge base is an ancestor of root; GitLab only
 * resolves an unambiguous short SHA, so a merge base that starts with the 7-character root IS the
 * root, and its id is the root's full SHA. That full SHA is then compared with the full commit.
 */
export function isProperAncestor(
  root7: string,
  commit: string,
  mergeBase: { id: string } | undefined,
): { ancestor: boolean; reason?: LaunchKeepReason } {
  if (!mergeBase) return { ancestor: false, reason: "no-merge-base" };
  const rootFull = mergeBase.id.toLowerCase();
  const target = commit.toLowerCase();
  if (!rootFull.startsWith(root7.toLowerCase())) return { ancestor: false, reason: "not-ancestor" };
  // A short `commit` is the same commit when it is a prefix of the root's full SHA.
  const same =
    rootFull === target || (target.length < rootFull.length && rootFull.startsWith(target));
  return same ? { ancestor: false, reason: "same-commit" } : { ancestor: true };
}

/** Never throws: every failure is logged and returned. `gitlab` acts as the caller. */
export async function cleanupAutosavesOnLaunch(
  gitlab: Pick<AutosaveGitLab, "listBranches" | "mergeBase" | "deleteBranch">,
  input: LaunchCleanupInput,
): Promise<LaunchCleanupResult> {
  const result: LaunchCleanupResult = { deleted: [], kept: [], failed: [] };
  const { projectId, log } = input;
  let own: { name: string; parsed: AutosaveName }[];
  try {
    const branches = await gitlab.listBranches(projectId, AUTOSAVE_SEARCH);
    own = branches.flatMap((b) => {
      const parsed = parseOwnAutosave(b.name, input.username);
      return parsed ? [{ name: b.name, parsed }] : [];
    });
  } catch (err) {
    log.warn({ projectId, err: describeError(err) }, "autosave clean-up on launch: listing failed");
    result.failed.push({ name: AUTOSAVE_SEARCH, error: describeError(err) });
    return result;
  }

  const limit = pLimit(input.concurrency ?? 4);
  await Promise.all(
    own.map(({ name, parsed }) =>
      limit(async () => {
        try {
          const base = await gitlab.mergeBase(projectId, [parsed.root, input.commit]);
          const verdict = isProperAncestor(parsed.root, input.commit, base);
          if (!verdict.ancestor) {
            result.kept.push({ name, reason: verdict.reason ?? "not-ancestor" });
            return;
          }
          await gitlab.deleteBranch(projectId, name); // "missing" means someone else finished it
          result.deleted.push(name);
          log.info(
            { projectId, branch: name },
            "deleted an autosave superseded by the new session",
          );
        } catch (err) {
          result.failed.push({ name, error: describeError(err) });
          log.warn(
            { projectId, branch: name, err: describeError(err) },
            "autosave clean-up on launch: could not check or delete a branch",
          );
        }
      }),
    ),
  );
  return result;
}

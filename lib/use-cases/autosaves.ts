/**
 * The autosave endpoints (docs/spec.md 8): the caller's own autosave branches of a project, and
 * the deletion of one. The project is looked up with the caller's token.
 */
import type { Deps } from "../adapters/deps.js";
import type { User } from "../auth/user.js";
import {
  autosaveNotFound,
  autosavesForCaller,
  deleteOwnAutosave,
  findProjectOr404,
} from "../autosave/index.js";
import type { Logger } from "../obs/log.js";

export { deletePathParams, listPathParams } from "../autosave/path.js";

/** Anonymous callers get an empty list for a project they may see. */
export async function listOwnAutosaves(
  deps: Pick<Deps, "gitlab" | "config">,
  user: User,
  projectPath: string,
  log: Logger,
) {
  const gitlab = deps.gitlab(user.kind === "registered" ? user.gitToken : undefined);
  const answer = await autosavesForCaller(gitlab, {
    user,
    projectPath,
    pvsSupport: deps.config.sessions.storage.pvs_enabled,
  });
  log.debug({ project: projectPath, count: answer.autosaves.length }, "autosaves");
  return answer;
}

/** A malformed name or another user's autosave is the reference's 404; a gone branch is not. */
export async function deleteOwnAutosaveOf(
  deps: Pick<Deps, "gitlab">,
  user: User,
  params: { namespace_project: string; autosave_name: string },
  log: Logger,
): Promise<void> {
  // Anonymous sessions never autosave, so no name can be theirs.
  if (user.kind !== "registered") throw autosaveNotFound(params.autosave_name);
  const gitlab = deps.gitlab(user.gitToken);
  const project = await findProjectOr404(gitlab, params.namespace_project);
  const outcome = await deleteOwnAutosave(gitlab, {
    projectId: project.id,
    username: user.username,
    name: params.autosave_name,
    log,
  });
  log.info({ projectId: project.id, outcome }, "autosave delete");
}

/**
 * DELETE /notebooks/{namespace_project}/autosave/{autosave_name} (docs/spec.md 8): the project
 * as the caller sees it (404 otherwise); a malformed name or another user's autosave is the
 * reference's 404; otherwise the branch is deleted and the answer is 204 even if it was gone.
 */
import { gitlab } from "../../lib/adapters/gitlab.js";
import { deleteAutosave } from "../../lib/api/routes.js";
import { autosaveNotFound, deleteOwnAutosave, findProjectOr404 } from "../../lib/autosave/index.js";
import { deletePathParams } from "../../lib/autosave/path.js";
import { withGreedyPath } from "../../lib/http/greedy.js";
import { handler } from "../../lib/http/handler.js";
import { noContent } from "../../lib/http/reply.js";
import { main as notFound } from "../not-found.js";

const remove = handler(
  deleteAutosave,
  async ({ params, user, log }, deps) => {
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
    return noContent();
  },
  { gitlab },
);

/** Also DELETE {prefix}/{proxy+}: project path and name with unencoded slashes; other paths 404/405. */
export const main = withGreedyPath(remove, deletePathParams, notFound);

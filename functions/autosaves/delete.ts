/**
 * DELETE /notebooks/{namespace_project}/autosave/{autosave_name} (docs/spec.md 8): the project
 * as the caller sees it (404 otherwise); a malformed name or another user's autosave is the
 * reference's 404; otherwise the branch is deleted and the answer is 204 even if it was gone.
 */
import { gitlab } from "../../lib/adapters/gitlab.js";
import { deleteAutosave } from "../../lib/api/routes.js";
import { withGreedyPath } from "../../lib/http/greedy.js";
import { handler } from "../../lib/http/handler.js";
import { noContent } from "../../lib/http/reply.js";
import { deleteOwnAutosaveOf, deletePathParams } from "../../lib/use-cases/autosaves.js";
import { main as notFound } from "../not-found.js";

const remove = handler(
  deleteAutosave,
  async ({ params, user, log }, deps) => {
    await deleteOwnAutosaveOf(deps, user, params, log);
    return noContent();
  },
  { gitlab },
);

/** Also DELETE {prefix}/{proxy+}: project path and name with unencoded slashes; other paths 404/405. */
export const main = withGreedyPath(remove, deletePathParams, notFound);

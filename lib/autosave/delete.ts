/** DELETE of one autosave (section 8): only the caller's own, well-formed ones; 204 even if gone. */
import { missingResource } from "../errors.js";
import { parseOwnAutosave } from "./branch-name.js";
import { type AutosaveGitLab, type AutosaveLog, describeError } from "./ports.js";

/** The reference's 404 for a malformed or foreign autosave name (clients match on the message). */
export const autosaveNotFound = (name: string) =>
  missingResource(`Cannot initialize or find the autosave ${name}.`, {
    detail:
      "This could be the result of a malformed autosave name or changing your username. If the problem persists you can always find all autosave branches in your Gitlab project.",
  });

/**
 * Deletes `name` in the project when it is the caller's own autosave; throws autosaveNotFound
 * otherwise. GitLab failures on the delete itself are logged and swallowed, as the reference did,
 * so the endpoint answers 204 whether or not the branch still existed.
 */
export async function deleteOwnAutosave(
  gitlab: Pick<AutosaveGitLab, "deleteBranch">,
  input: { projectId: number; username: string; name: string; log: AutosaveLog },
): Promise<"deleted" | "missing" | "failed"> {
  if (!parseOwnAutosave(input.name, input.username)) throw autosaveNotFound(input.name);
  try {
    return await gitlab.deleteBranch(input.projectId, input.name);
  } catch (err) {
    input.log.warn(
      { projectId: input.projectId, branch: input.name, err: describeError(err) },
      "deleting an autosave branch failed; answering 204 as the reference does",
    );
    return "failed";
  }
}

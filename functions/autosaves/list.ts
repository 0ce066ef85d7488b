/**
 * GET /notebooks/{namespace_project}/autosave (docs/spec.md 8): the caller's own, well-formed
 * autosave branches. The project is looked up with the caller's token, so one they cannot see is a
 * 404; anonymous callers get an empty list without any GitLab call. The dates come from the branch
 * list itself (one paged call, no request per branch).
 */
import { gitlab } from "../../lib/adapters/gitlab.js";
import { listAutosaves } from "../../lib/api/routes.js";
import { autosavesForCaller } from "../../lib/autosave/index.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";

export const main = handler(
  listAutosaves,
  async ({ params, user, log }, deps) => {
    const gitlab = deps.gitlab(user.kind === "registered" ? user.gitToken : undefined);
    const answer = await autosavesForCaller(gitlab, {
      user,
      projectPath: params.namespace_project,
      pvsSupport: deps.config.sessions.storage.pvs_enabled,
    });
    log.debug({ project: params.namespace_project, count: answer.autosaves.length }, "autosaves");
    return ok(answer);
  },
  { gitlab },
);

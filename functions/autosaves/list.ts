/**
 * GET /notebooks/{namespace_project}/autosave (docs/spec.md 8): the caller's own, well-formed
 * autosave branches. The project is looked up with the caller's token, so one they cannot see is a
 * 404 (for anonymous callers, one that is not public); anonymous callers then get an empty list.
 * The dates come from the branch list itself (one paged call, no request per branch).
 */
import { gitlab } from "../../lib/adapters/gitlab.js";
import { listAutosaves } from "../../lib/api/routes.js";
import { autosavesForCaller } from "../../lib/autosave/index.js";
import { listPathParams } from "../../lib/autosave/path.js";
import { withGreedyPath } from "../../lib/http/greedy.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { main as notFound } from "../not-found.js";

const list = handler(
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

/** Also GET {prefix}/{proxy+}: the project path with unencoded slashes; other paths 404/405. */
export const main = withGreedyPath(list, listPathParams, notFound);

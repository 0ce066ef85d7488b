/**
 * GET /notebooks/{namespace_project}/autosave (docs/spec.md 8): the caller's own, well-formed
 * autosave branches. The project is looked up with the caller's token, so one they cannot see is a
 * 404 (for anonymous callers, one that is not public); anonymous callers then get an empty list.
 * The dates come from the branch list itself (one paged call, no request per branch).
 */
import { gitlab } from "../../lib/adapters/gitlab.js";
import { listAutosaves } from "../../lib/api/routes.js";
import { withGreedyPath } from "../../lib/http/greedy.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { listOwnAutosaves, listPathParams } from "../../lib/use-cases/autosaves.js";
import { main as notFound } from "../not-found.js";

const list = handler(
  listAutosaves,
  async ({ params, user, log }, deps) =>
    ok(await listOwnAutosaves(deps, user, params.namespace_project, log)),
  { gitlab },
);

/** Also GET {prefix}/{proxy+}: the project path with unencoded slashes; other paths 404/405. */
export const main = withGreedyPath(list, listPathParams, notFound);

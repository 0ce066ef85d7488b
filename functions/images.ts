/**
 * GET /notebooks/images?image_url=<ref> (docs/spec.md 7.3): 200 with an empty body when the
 * image exists, 404 when it does not or cannot be accessed, 422 when the reference cannot be
 * parsed (code 1002) or its registry resolves to a non-public address (D15).
 */
import { registry } from "../lib/adapters/registry.js";
import { images } from "../lib/api/routes.js";
import { handler } from "../lib/http/handler.js";
import { empty } from "../lib/http/reply.js";
import { formatImageRef, parseImageRef } from "../lib/util/image-ref.js";

export const main = handler(
  images,
  async ({ query, user, log }, deps) => {
    const ref = parseImageRef(query.image_url);
    // 1.18: a registered user's GitLab token may open private images on the GitLab registry only.
    const creds = user.kind === "registered" ? { gitlabToken: user.gitToken } : {};
    const result = await deps.registry.check(ref, creds, { workdir: false });
    log.debug(
      { image: formatImageRef(ref), exists: result.exists, private: result.private },
      "image check",
    );
    return empty(result.exists ? 200 : 404);
  },
  { registry },
);

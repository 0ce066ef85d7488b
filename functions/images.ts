/**
 * GET /notebooks/images?image_url=<ref> (docs/spec.md 7.3): 200 with an empty body when the
 * image exists, 404 when it does not or cannot be accessed, 422 when the reference cannot be
 * parsed (code 1002) or its registry resolves to a non-public address (D15).
 */
import { registry } from "../lib/adapters/registry.js";
import { images } from "../lib/api/routes.js";
import { handler } from "../lib/http/handler.js";
import { empty } from "../lib/http/reply.js";
import { imageExists } from "../lib/use-cases/images.js";

export const main = handler(
  images,
  async ({ query, user, log }, deps) =>
    empty((await imageExists(deps, user, query.image_url, log)) ? 200 : 404),
  { registry },
);

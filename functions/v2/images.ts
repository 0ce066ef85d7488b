/**
 * GET /api/data/sessions/images?image_url=: always 200 with `accessible`, and the platforms of a
 * multi-platform image; only a reference that cannot be parsed is a 422 (code 1422).
 */
import { registry } from "../../lib/adapters/registry.js";
import { v2Images } from "../../lib/api/v2/routes.js";
import { AppError } from "../../lib/errors.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { v2Errors } from "../../lib/http/v2-errors.js";
import { parseImageRef } from "../../lib/registry/reference.js";

export const main = handler(
  v2Images,
  async ({ query, log }, deps) => {
    let ref: ReturnType<typeof parseImageRef>;
    try {
      ref = parseImageRef(query.image_url);
    } catch {
      throw v2Errors.invalid(`The image ${query.image_url} cannot be parsed.`);
    }
    try {
      const image = await deps.registry.check(ref, {}, { workdir: false });
      return ok({
        accessible: image.exists,
        ...(image.exists && image.platforms ? { platforms: image.platforms } : {}),
      });
    } catch (err) {
      // Unreachable or refused registries: not accessible, as data-services answers.
      log.debug({ code: err instanceof AppError ? err.code : undefined }, "image not checked");
      return ok({ accessible: false });
    }
  },
  { registry },
);

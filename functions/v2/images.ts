/** GET /api/data/sessions/images?image_url= (v2): the image check, always 200 with `accessible`. */
import { registry } from "../../lib/adapters/registry.js";
import { v2Images } from "../../lib/api/v2/routes.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { checkImageV2 } from "../../lib/use-cases/v2/images.js";

export const main = handler(
  v2Images,
  async ({ query, log }, deps) => ok(await checkImageV2(deps, query.image_url, log)),
  { registry },
);

/** Unknown paths get 404, known paths with another method 405, as JSON errors. */

import { allowedMethods } from "../api/match.js";
import { PATHS } from "../api/paths.js";
import { V2_PATHS } from "../api/v2/paths.js";
import type { Config } from "../config/schema.js";
import { httpError } from "../errors.js";

export function unknownRoute(config: Pick<Config, "service_prefix">, path: string): never {
  const allowed = allowedMethods(
    [...Object.values(PATHS), ...Object.values(V2_PATHS)],
    config.service_prefix,
    path,
  );
  if (allowed.length > 0) throw httpError(405, { headers: { allow: allowed.join(", ") } });
  // Where a newcomer looks first: point at the API page.
  const front = ["/", "/docs", config.service_prefix, `${config.service_prefix}/`];
  if (front.includes(path)) {
    throw httpError(404, { detail: `The API is described at ${config.service_prefix}/docs.` });
  }
  throw httpError(404);
}

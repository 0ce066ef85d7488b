/**
 * GET /api/data/sessions/images: always 200 with `accessible`, and the platforms of a
 * multi-platform image; only a reference that cannot be parsed is a 422 (code 1422).
 */
import type { Deps } from "../../adapters/deps.js";
import { v2Errors } from "../../api/v2/errors.js";
import { AppError } from "../../errors.js";
import type { Logger } from "../../obs/log.js";
import type { ImagePlatform } from "../../registry/client.js";
import { parseImageRef } from "../../util/image-ref.js";

export interface ImageCheckV2 {
  accessible: boolean;
  platforms?: ImagePlatform[];
}

export async function checkImageV2(
  deps: Pick<Deps, "registry">,
  imageUrl: string,
  log: Logger,
): Promise<ImageCheckV2> {
  let ref: ReturnType<typeof parseImageRef>;
  try {
    ref = parseImageRef(imageUrl);
  } catch {
    throw v2Errors.invalid(`The image ${imageUrl} cannot be parsed.`);
  }
  try {
    const image = await deps.registry.check(ref, {}, { workdir: false });
    return {
      accessible: image.exists,
      ...(image.exists && image.platforms ? { platforms: image.platforms } : {}),
    };
  } catch (err) {
    // Unreachable or refused registries: not accessible, as data-services answers.
    log.debug({ code: err instanceof AppError ? err.code : undefined }, "image not checked");
    return { accessible: false };
  }
}

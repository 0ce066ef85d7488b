/**
 * GET /images (docs/spec.md 7.3): does the image exist? 422 code 1002 when the reference cannot be
 * parsed, false when it does not exist or cannot be accessed (or resolves to a non-public address).
 */
import type { Deps } from "../adapters/deps.js";
import type { User } from "../auth/user.js";
import type { Logger } from "../obs/log.js";
import { formatImageRef, parseImageRef } from "../util/image-ref.js";

export async function imageExists(
  deps: Pick<Deps, "registry">,
  user: User,
  imageUrl: string,
  log: Logger,
): Promise<boolean> {
  const ref = parseImageRef(imageUrl);
  // 1.18: a registered user's GitLab token may open private images on the GitLab registry only.
  const creds = user.kind === "registered" ? { gitlabToken: user.gitToken } : {};
  const result = await deps.registry.check(ref, creds, { workdir: false });
  log.debug(
    { image: formatImageRef(ref), exists: result.exists, private: result.private },
    "image check",
  );
  return result.exists;
}

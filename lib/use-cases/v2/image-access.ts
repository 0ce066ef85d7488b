/**
 * Can the session's image be pulled, and how (core_sessions.py get_image_pull_secret)? A public
 * image needs nothing. A private image of the configured GitLab registry (NB_GIT__REGISTRY) that
 * the caller's `Gitlab-Access-Token` can read gets data-services' pull secret with that token, as
 * its internal-GitLab path does. The other ways data-services has (a connected service's OAuth2
 * token for the registry, the private build registry's secret) need data this service does not
 * read yet, so an image no credential here can pull is refused with a 422 that names them,
 * instead of a session that could never start. A registry that cannot be asked refuses nothing.
 */

import type { Deps } from "../../adapters/deps.js";
import type { V2Caller } from "../../auth/v2-caller.js";
import type { AmaltheaSession } from "../../backends/amaltheasession/types.js";
import { v2PullSecretName } from "../../backends/amaltheasession/v2-manifest.js";
import { withFreshRegistryToken } from "../../backends/pod/pull-secret.js";
import type { Logger } from "../../obs/log.js";
import { parseImageRef } from "../../util/image-ref.js";

export type ImageAccess =
  /** Pullable as is, or the registry could not be asked (the launch goes on, as data-services'). */
  | { kind: "pullable"; workdir: string | undefined }
  /** Only the caller's GitLab token reads it: the session needs a pull secret with it. */
  | { kind: "gitlab"; workdir: string | undefined; registry: string; gitlabToken: string }
  /** Neither anonymously nor with a credential this service has. */
  | { kind: "unavailable" };

export const privateImageRefused = (image: string, registry: string) =>
  `The image ${image} cannot be pulled by this sessions service: it does not exist, or it is private. Private images are supported only in the GitLab registry (${registry || "not configured"}) with your GitLab token; private images through connected services (OAuth2 registry connections) and private image builds are not supported yet by this sessions service.`;

export async function imageAccess(
  deps: Pick<Deps, "config" | "registry">,
  caller: V2Caller,
  image: string,
  readWorkdir: boolean,
  log: Logger,
): Promise<ImageAccess> {
  let ref: ReturnType<typeof parseImageRef>;
  try {
    ref = parseImageRef(image);
  } catch {
    return { kind: "pullable", workdir: undefined };
  }
  const registry = deps.config.git.registry;
  const gitlabToken =
    caller.kind === "registered" && registry && ref.host === registry
      ? caller.gitlabToken
      : undefined;
  try {
    const result = await deps.registry.check(ref, gitlabToken ? { gitlabToken } : {}, {
      workdir: readWorkdir,
    });
    if (!result.exists) return { kind: "unavailable" };
    const workdir = readWorkdir ? result.workdir : undefined;
    if (result.private && gitlabToken) return { kind: "gitlab", workdir, registry, gitlabToken };
    return { kind: "pullable", workdir };
  } catch (err) {
    log.debug({ err }, "image not checked");
    return { kind: "pullable", workdir: undefined };
  }
}

/**
 * On resume, the session's GitLab pull secret gets the caller's fresh GitLab token (the old one
 * may have expired while it was hibernated; data-services rebuilds it on resume too). Without a
 * token in this request, or without such a secret, nothing changes.
 */
export async function refreshPullSecret(
  deps: Pick<Deps, "config" | "amaltheaSessions">,
  caller: V2Caller,
  cr: AmaltheaSession,
): Promise<void> {
  const name = v2PullSecretName(cr.metadata.name);
  if (caller.kind !== "registered" || !caller.gitlabToken) return;
  if (!cr.spec.imagePullSecrets?.some((p) => p.name === name)) return;
  const secret = await deps.amaltheaSessions.getSecret(name);
  if (!secret) return;
  await deps.amaltheaSessions.overwriteSecret(
    withFreshRegistryToken(
      { ...secret, metadata: { ...secret.metadata, name } },
      deps.config.git.registry,
      {
        gitToken: caller.gitlabToken,
        email: caller.email,
      },
    ),
  );
}

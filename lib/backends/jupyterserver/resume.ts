/**
 * Fresh credentials for a resumed session (section 10): the tokens in the StatefulSet's env and
 * the GitLab token in the image pull secret may have expired while it was hibernated.
 */
import type { RegisteredUser } from "../../auth/user.js";
import type { Config } from "../../config.js";
import type { SessionsRepository } from "../../k8s/namespace-client.js";
import { imagePullSecretName } from "../pod/containers/session.js";
import {
  type PodTemplateSpec,
  refreshedDockerConfigJson,
  statefulSetTokenPatch,
} from "../pod/hibernation.js";

export const DOCKER_CONFIG_KEY = ".dockerconfigjson";

/** The pull secret as read, with its docker config carrying the user's fresh GitLab token. */
export function withFreshRegistryToken<S extends { data?: Record<string, string> }>(
  secret: S,
  registry: string,
  user: Pick<RegisteredUser, "gitToken" | "email">,
): S {
  const data = {
    ...(secret.data ?? {}),
    [DOCKER_CONFIG_KEY]: refreshedDockerConfigJson(
      secret.data?.[DOCKER_CONFIG_KEY],
      registry,
      user.gitToken,
      user.email,
    ),
  };
  return { ...secret, data };
}

/**
 * Two reads in parallel (StatefulSet, pull secret), then up to two writes in parallel (the
 * StatefulSet's env, the secret). A missing StatefulSet or secret is skipped.
 */
export async function reinjectTokens(
  repo: Pick<
    SessionsRepository,
    "getStatefulSet" | "getSecret" | "patchStatefulSetJson" | "replaceSecret"
  >,
  config: Pick<Config, "git">,
  user: RegisteredUser,
  name: string,
): Promise<void> {
  const secretName = imagePullSecretName(name);
  const [sts, secret] = await Promise.all([repo.getStatefulSet(name), repo.getSecret(secretName)]);
  const writes: Promise<unknown>[] = [];
  const template = sts?.spec?.template?.spec as PodTemplateSpec | undefined;
  const ops = template ? statefulSetTokenPatch(template, user) : [];
  if (ops.length > 0) writes.push(repo.patchStatefulSetJson(name, ops));
  if (secret) {
    // The read's resourceVersion guards against overwriting a concurrent change.
    writes.push(
      repo.replaceSecret(secretName, withFreshRegistryToken(secret, config.git.registry, user)),
    );
  }
  await Promise.all(writes);
}

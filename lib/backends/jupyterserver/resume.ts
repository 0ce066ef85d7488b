/**
 * Fresh credentials for a resumed session (section 10): the tokens in the StatefulSet's env and
 * the GitLab token in the image pull secret may have expired while it was hibernated.
 */
import type { RegisteredUser } from "../../auth/user.js";
import type { Config } from "../../config/schema.js";
import type { NamespaceClient } from "../../k8s/namespace-client.js";
import { imagePullSecretName, withFreshRegistryToken } from "../pod/pull-secret.js";
import { type PodTemplateSpec, statefulSetTokenPatch } from "./changes.js";

/**
 * Two reads in parallel (StatefulSet, pull secret), then up to two writes in parallel (the
 * StatefulSet's env, the secret). A missing StatefulSet or secret is skipped.
 */
export async function reinjectTokens(
  repo: Pick<
    NamespaceClient,
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

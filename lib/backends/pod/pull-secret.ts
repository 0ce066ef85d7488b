/**
 * The image pull secret of a session on a private GitLab-registry image: its name, its docker
 * config with the user's GitLab token, and the refresh a resume needs (the token may have expired).
 */
import { Buffer } from "node:buffer";
import type { RegisteredUser } from "../../auth/user.js";

export const imagePullSecretName = (serverName: string) => `${serverName}-image-secret`;

/** The `.dockerconfigjson` of the pull secret (base64), also rebuilt on resume with a fresh token. */
export function dockerConfigJson(
  registry: string,
  gitToken: string,
  email: string | null | undefined,
): string {
  const config = {
    auths: { [registry]: { Username: "oauth2", Password: gitToken, Email: email ?? "" } },
  };
  return Buffer.from(JSON.stringify(config)).toString("base64");
}

/**
 * The pull secret's new `.dockerconfigjson` (base64) with the fresh GitLab token. Keeps the
 * existing entries' other fields (e-mail) when the current value decodes, else builds anew.
 */
export function refreshedDockerConfigJson(
  currentBase64: string | undefined,
  registry: string,
  gitToken: string,
  email?: string | null,
): string {
  if (currentBase64) {
    try {
      const parsed = JSON.parse(Buffer.from(currentBase64, "base64").toString("utf8")) as {
        auths?: Record<string, Record<string, unknown>>;
      };
      if (
        parsed.auths &&
        typeof parsed.auths === "object" &&
        Object.keys(parsed.auths).length > 0
      ) {
        for (const entry of Object.values(parsed.auths)) {
          entry.Password = gitToken;
          // A precomputed "auth" would still carry the old token.
          delete entry.auth;
        }
        return Buffer.from(JSON.stringify(parsed)).toString("base64");
      }
    } catch {
      // Unreadable: rebuild below.
    }
  }
  return dockerConfigJson(registry, gitToken, email);
}

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

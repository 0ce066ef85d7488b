/** Patches of the main container and its pod (section 4, rows 8-12). */
import { Buffer } from "node:buffer";
import { overriddenEnvError } from "../../../errors.js";
import type { AmaltheaPatch } from "../types.js";
import { add, envVar, jsonPatch, type PatchContext, STS } from "./context.js";

export function args(): AmaltheaPatch[] {
  return [jsonPatch(add(`${STS}/containers/0/args`, ["jupyter", "notebook"]))];
}

/** True when the session may push autosave branches: registered, with Developer access or more. */
export function autosaveAllowed(ctx: PatchContext): boolean {
  return ctx.user.kind === "registered" && ctx.project.accessLevel >= 30;
}

/** The built-in variables of container 0, then the user's; redefining a built-in is a 422 (1004). */
export function env(ctx: PatchContext): AmaltheaPatch[] {
  return [jsonPatch(...sessionEnv(ctx).map((e) => add(`${STS}/containers/0/env/-`, e)))];
}

/** The session container's env: built-in variables, then the user's. */
export function sessionEnv(ctx: PatchContext): { name: string; value: string }[] {
  const builtIn = [
    envVar("GIT_AUTOSAVE", autosaveAllowed(ctx) ? "1" : "0"),
    envVar("RENKU_USERNAME", ctx.user.username),
    envVar("CI_COMMIT_SHA", ctx.request.commitSha),
    envVar("NOTEBOOK_DIR", ctx.notebookDir),
    envVar("MOUNT_PATH", `/work/${ctx.projectPath}`),
    // As 1.18.1: an anonymous session's own URL carries its token.
    envVar(
      "SESSION_URL",
      ctx.user.kind === "registered" ? ctx.sessionUrl : `${ctx.sessionUrl}?token=${ctx.user.id}`,
    ),
    envVar("PROJECT_NAME", ctx.request.project),
    envVar("GIT_CLONE_REPO", "true"),
  ];
  const known = new Map(builtIn.map((e) => [e.name, e.value]));
  const user = Object.entries(ctx.request.environmentVariables).map(([name, value]) => {
    const existing = known.get(name);
    if (existing !== undefined && existing !== value) throw overriddenEnvError(name);
    return envVar(name, value);
  });
  return [...builtIn, ...user];
}

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

/** A private GitLab-registry image needs a child pull secret carrying the user's GitLab token. */
export function imagePullSecret(ctx: PatchContext): AmaltheaPatch[] {
  if (!ctx.image.private || ctx.user.kind !== "registered") return [];
  const name = imagePullSecretName(ctx.name);
  return [
    jsonPatch(
      add("/image_pull_secret", {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace: ctx.config.k8s.namespace },
        type: "kubernetes.io/dockerconfigjson",
        data: {
          ".dockerconfigjson": dockerConfigJson(
            ctx.config.git.registry,
            ctx.user.gitToken,
            ctx.gitlabUser?.email ?? ctx.user.email,
          ),
        },
      }),
    ),
    jsonPatch(add(`${STS}/imagePullSecrets/-`, { name })),
  ];
}

export function disableServiceLinks(): AmaltheaPatch[] {
  return [jsonPatch(add(`${STS}/enableServiceLinks`, false))];
}

export const RENVIRON_PATH = "/home/jovyan/.Renviron";

/** The user's variables as ~/.Renviron lines. */
export const renvironText = (ctx: PatchContext) =>
  Object.entries(ctx.request.environmentVariables)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");

/** R and RStudio ignore the container env: the user's variables also go to ~/.Renviron. */
export function renviron(ctx: PatchContext): AmaltheaPatch[] {
  const vars = Object.entries(ctx.request.environmentVariables);
  if (vars.length === 0) return [];
  const name = `${ctx.name}-renviron`;
  return [
    jsonPatch(
      add("/renviron", {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace: ctx.config.k8s.namespace },
        stringData: { ".Renviron": renvironText(ctx) },
      }),
      add(`${STS}/volumes/-`, { name, secret: { secretName: name } }),
      add(`${STS}/containers/0/volumeMounts/-`, {
        name,
        mountPath: RENVIRON_PATH,
        subPath: ".Renviron",
        readOnly: true,
      }),
    ),
  ];
}

/** The session container's env and the user's ~/.Renviron (section 4, rows 8-12). */
import { overriddenEnvError } from "../../../errors.js";
import { type ContainerContext, envVar } from "./context.js";

/** True when the session may push autosave branches: registered, with Developer access or more. */
export function autosaveAllowed(ctx: ContainerContext): boolean {
  return ctx.user.kind === "registered" && ctx.project.accessLevel >= 30;
}

/** The session container's env: built-in variables, then the user's. */
export function sessionEnv(ctx: ContainerContext): { name: string; value: string }[] {
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

export const RENVIRON_PATH = "/home/jovyan/.Renviron";

/** The user's variables as ~/.Renviron lines. */
export const renvironText = (ctx: ContainerContext) =>
  Object.entries(ctx.request.environmentVariables)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");

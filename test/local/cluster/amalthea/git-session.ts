/**
 * The git side of a simulated session: its working state (seeded by an annotation), the sidecar's
 * JSON-RPC answers, the sidecar's preStop autosave as the 1.18.1 image runs it, and git-clone's
 * autosave restore. Pushes and branch look-ups go to a GitRemote (the GitLab double in tests).
 */
import { type ContainerSpec, renkuImageOf, sidecarConfigError } from "./image-contracts.js";

/**
 * JSON, every field optional: {"clean": false, "ahead": 1, "behind": 0, "branch": "b", "commit": "sha",
 * "autosaveSeconds": 40}; the last is how long an autosave of the work takes, in simulated seconds.
 */
export const GIT_STATE_ANNOTATION = "local.renku.io/git-state";

export interface GitState {
  clean: boolean;
  ahead: number;
  behind: number;
  branch: string;
  commit: string;
  /** How long an autosave takes (simulated seconds, scaled as the grace periods are); absent: at once. */
  autosaveSeconds?: number;
}

/** What the simulated pod can do with the project's remote; connected by the test set-up. */
export interface GitRemote {
  /** Branch names starting with `prefix`, as the token's user sees them; undefined if unreachable. */
  branches(repositoryUrl: string, token: string, prefix: string): string[] | undefined;
  /** Pushes a new branch with one commit on top of `parent`; the refusal text, if refused. */
  push(
    repositoryUrl: string,
    token: string,
    branch: string,
    parent: string,
    message: string,
  ): string | undefined;
  deleteBranch(repositoryUrl: string, token: string, branch: string): void;
}

type Env = Map<string, string>;

const envMap = (c: ContainerSpec | undefined): Env =>
  new Map((c?.env ?? []).map((e) => [e.name, e.value ?? ""]));

export const containerEnv = envMap;

/** The session's working state: the annotation over what git-clone checked out. */
export function gitStateOf(
  annotations: Record<string, string> | undefined,
  clone: ContainerSpec | undefined,
  restored: boolean,
): GitState {
  const env = envMap(clone);
  const base: GitState = {
    clean: !restored,
    ahead: 0,
    behind: 0,
    branch: env.get("GIT_CLONE_BRANCH") ?? "master",
    commit: env.get("GIT_CLONE_COMMIT_SHA") ?? "",
  };
  const raw = annotations?.[GIT_STATE_ANNOTATION];
  if (!raw) return base;
  try {
    const given = JSON.parse(raw) as Partial<GitState>;
    const state: GitState = {
      clean: typeof given.clean === "boolean" ? given.clean : base.clean,
      ahead: Number.isInteger(given.ahead) ? (given.ahead as number) : base.ahead,
      behind: Number.isInteger(given.behind) ? (given.behind as number) : base.behind,
      branch: typeof given.branch === "string" ? given.branch : base.branch,
      commit: typeof given.commit === "string" ? given.commit : base.commit,
    };
    const slow = given.autosaveSeconds;
    if (typeof slow === "number" && slow > 0) state.autosaveSeconds = slow;
    return state;
  } catch {
    return base;
  }
}

/** `git status --porcelain=v2 --branch` for the state. */
export function porcelain(state: GitState): string {
  const lines = [
    `# branch.oid ${state.commit}`,
    `# branch.head ${state.branch}`,
    `# branch.upstream origin/${state.branch}`,
    `# branch.ab +${state.ahead} -${state.behind}`,
  ];
  if (!state.clean) lines.push("? notebooks/untitled.ipynb");
  return `${lines.join("\n")}\n`;
}

/** The sidecar's JSON-RPC and health answers, at its URL prefix. */
export function sidecarAnswer(
  sidecar: ContainerSpec,
  method: string,
  path: string,
  body: unknown,
  state: GitState,
): { code: number; body: unknown } {
  const prefix = envMap(sidecar).get("GIT_RPC_URL_PREFIX") ?? "/";
  const at = path.startsWith("/") ? path : `/${path}`;
  if (method === "GET" && (at === `${prefix}health` || at === `${prefix}health/`))
    return { code: 200, body: { status: "running" } };
  if (at !== `${prefix}jsonrpc`) return { code: 404, body: "Not Found" };
  if (method !== "POST") return { code: 405, body: "Method Not Allowed" };
  const req = (body ?? {}) as { id?: unknown; method?: unknown };
  if (req.method !== "git/get_status")
    return {
      code: 200,
      body: {
        jsonrpc: "2.0",
        id: req.id ?? null,
        error: { code: -32601, message: "Method not found" },
      },
    };
  return {
    code: 200,
    body: { jsonrpc: "2.0", id: req.id ?? null, result: { ...state, status: porcelain(state) } },
  };
}

export const autosaveBranchName = (user: string, branch: string, root: string, head: string) =>
  `renku/autosave/${user}/${branch}/${root.slice(0, 7)}/${head.slice(0, 7)}`;

/** Executables in the sidecar image, relative ones resolved from its working directory /app. */
const SIDECAR_EXECUTABLES = new Set(["/app/.venv/bin/python", "/bin/sh", "/bin/bash"]);
const ON_PATH = new Set(["sh", "bash"]);

export interface PreStopResult {
  exitCode: number;
  output: string;
  /** Did the hook call the git proxy's /shutdown (the stop need not wait its grace period)? */
  shutdown: boolean;
  autosaveBranch?: string;
}

function resolves(executable: string, workingDir: string): boolean {
  if (executable.includes("/")) {
    const abs = executable.startsWith("/")
      ? executable
      : `${workingDir.replace(/\/$/, "")}/${executable}`;
    return SIDECAR_EXECUTABLES.has(abs.replace(/\/\.\//g, "/"));
  }
  return ON_PATH.has(executable);
}

/**
 * Runs the sidecar's preStop exec as the 1.18.1 image would: the command must exist in the image;
 * the autosave loads the sidecar's configuration, then (always calling /shutdown at the end)
 * commits and pushes an autosave branch when the work is dirty or ahead.
 */
export function runSidecarPreStop(
  sidecar: ContainerSpec & { workingDir?: string },
  command: string[],
  state: GitState,
  gitProxy: ContainerSpec | undefined,
  remote: GitRemote | undefined,
): PreStopResult {
  const [exe = "", ...args] = command;
  if (
    renkuImageOf(sidecar.image) !== "git-rpc-server" ||
    !resolves(exe, sidecar.workingDir ?? "/app")
  )
    return {
      exitCode: 126,
      output: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${exe}": executable file not found in $PATH: unknown`,
      shutdown: false,
    };
  if (args.join(" ") !== "-m git_services.sidecar.run_command autosave")
    return {
      exitCode: 1,
      output: `/app/.venv/bin/python: No module named ${args[1] ?? "''"}`,
      shutdown: false,
    };
  return autosaveWork(sidecar, state, gitProxy, remote);
}

/** Does the work need saving (uncommitted changes, or commits not pushed)? */
export const hasUnsavedWork = (state: GitState) => !state.clean || state.ahead > 0;

/**
 * The sidecar's autosave (the preStop command and the `autosave/create` RPC run the same code):
 * it loads the sidecar's configuration, then (always calling the proxy's /shutdown at the end)
 * commits and pushes an autosave branch when the work is dirty or ahead.
 */
export function autosaveWork(
  sidecar: ContainerSpec,
  state: GitState,
  gitProxy: ContainerSpec | undefined,
  remote: GitRemote | undefined,
): PreStopResult {
  const env = envMap(sidecar);
  const loadError = sidecarConfigError(env);
  if (loadError)
    return {
      exitCode: 1,
      output: `Traceback (most recent call last):\ndataconf.exceptions.MalformedConfigException: ${loadError}`,
      shutdown: false,
    };
  // From here on the autosave's `finally` calls the proxy's /shutdown, whatever happens.
  if (!hasUnsavedWork(state)) return { exitCode: 0, output: "", shutdown: true };
  for (const name of ["CI_COMMIT_SHA", "RENKU_USERNAME"])
    if (!env.has(name))
      return {
        exitCode: 1,
        output: `Traceback (most recent call last):\nKeyError: '${name}'`,
        shutdown: true,
      };
  const root = env.get("CI_COMMIT_SHA") ?? "";
  const user = env.get("RENKU_USERNAME") ?? "";
  const branch = autosaveBranchName(user, state.branch, root, state.commit);
  const proxyEnv = envMap(gitProxy);
  const refused = remote
    ? remote.push(
        proxyEnv.get("REPOSITORY_URL") ?? "",
        proxyEnv.get("GITLAB_OAUTH_TOKEN") ?? "",
        branch,
        state.commit,
        `Auto-saving for ${user} on branch ${state.branch} from commit ${root.slice(0, 7)}`,
      )
    : "fatal: unable to access the remote: no git remote is connected to the local cluster";
  if (refused) return { exitCode: 1, output: refused, shutdown: true };
  return { exitCode: 0, output: "", shutdown: true, autosaveBranch: branch };
}

/**
 * git-clone's autosave check after a clone: an autosave of this user for the branch and commit is
 * restored (and deleted from the remote). The log lines and whether one was restored.
 */
export function cloneRestore(
  clone: ContainerSpec,
  remote: GitRemote | undefined,
): { lines: string[]; restored: boolean } {
  const env = envMap(clone);
  const token = env.get("GIT_CLONE_USER__OAUTH_TOKEN") ?? "";
  const lines = ["INFO:root:Checking for autosaves"];
  if (env.get("GIT_CLONE_GIT_AUTOSAVE") !== "1" || token === "" || !remote)
    return { lines: [...lines, "INFO:root:Checking out the requested commit."], restored: false };
  const url = env.get("GIT_CLONE_REPOSITORY_URL") ?? "";
  const prefix = `renku/autosave/${env.get("GIT_CLONE_USER__USERNAME")}/${env.get("GIT_CLONE_BRANCH")}/${(env.get("GIT_CLONE_COMMIT_SHA") ?? "").slice(0, 7)}/`;
  const found = (remote.branches(url, token, prefix) ?? []).find((b) =>
    /^[a-zA-Z0-9]{7}$/.test(b.slice(prefix.length)),
  );
  if (!found)
    return { lines: [...lines, "INFO:root:Checking out the requested commit."], restored: false };
  remote.deleteBranch(url, token, found);
  return {
    lines: [
      ...lines,
      `INFO:root:Autosave found origin/${found}`,
      `INFO:root:Recovering autosave origin/${found}`,
      `INFO:root:Deleting remote autosave branch ${found}`,
    ],
    restored: true,
  };
}

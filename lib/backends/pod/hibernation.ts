/**
 * What a hibernation and a resume of either resource share (section 10): the git sidecar's
 * `git/get_status` (JSON-RPC, whichever route reaches it), the hibernation annotations, and the
 * fresh tokens in the containers' env.
 */
import * as z from "zod";
import type { RegisteredUser } from "../../auth/user.js";
import type { JsonPatchOp } from "../../k8s/kube-client.js";
import type { Logger } from "../../obs/log.js";
import { once } from "../../util/once.js";
import { pythonIsoUtc } from "./serialize.js";

/** The result of the git sidecar's `git/get_status`. */
export interface GitStatus {
  clean?: boolean;
  ahead?: number;
  behind?: number;
  branch?: string;
  commit?: string;
}

/** The sidecar's JSON-RPC request for the repository's state (images.md). */
export const GIT_STATUS_REQUEST = { jsonrpc: "2.0", id: 0, method: "git/get_status" };

// Built on first use: only a hibernation asks the sidecar, and every servers function bundles this.
const gitStatusAnswer = once(() =>
  z.object({
    result: z.object({
      clean: z.boolean(),
      ahead: z.number().int(),
      behind: z.number().int(),
      branch: z.string(),
      commit: z.string(),
    }),
  }),
);

/** The `result` of a get_status answer, or undefined when it is an error or malformed. */
export function parseGitStatus(answer: unknown): GitStatus | undefined {
  const parsed = gitStatusAnswer().safeParse(answer);
  return parsed.success ? parsed.data.result : undefined;
}

/** A hibernation must not wait long on a sidecar that cannot answer. */
export const GIT_STATUS_TIMEOUT_MS = 3000;

/** `git/get_status` over `post` (whichever route reaches the sidecar), bounded and never throwing. */
export async function askGitStatus(
  log: Logger,
  name: string,
  post: (body: unknown, timeoutMs: number) => Promise<unknown>,
): Promise<GitStatus | undefined> {
  try {
    const answer = await post(GIT_STATUS_REQUEST, GIT_STATUS_TIMEOUT_MS);
    const status = parseGitStatus(answer);
    if (!status) log.warn({ server: name }, "the git sidecar's status answer is malformed");
    return status;
  } catch (err) {
    log.warn(
      { server: name, err: err instanceof Error ? err.message : String(err) },
      "the git sidecar did not answer git/get_status; hibernating with empty git information",
    );
    return undefined;
  }
}

/** Seconds-precision UTC ISO time, as the reference stamped hibernations. */
const isoSeconds = (now: Date) =>
  pythonIsoUtc(new Date(Math.floor(now.getTime() / 1000) * 1000)) ?? "";

/** Annotations of a hibernation; an unreachable sidecar leaves the git fields empty. */
export function hibernationAnnotations(
  git: GitStatus | undefined,
  now: Date,
): Record<string, string> {
  const date = isoSeconds(now);
  const branch = git?.branch ?? "";
  const commit = git?.commit ?? "";
  const dirty = git ? git.clean === false : false;
  const synchronized = git ? (git.ahead ?? 0) === 0 && (git.behind ?? 0) === 0 : false;
  return {
    "renku.io/hibernation": JSON.stringify({ branch, commit, dirty, synchronized, date }),
    "renku.io/hibernationBranch": branch,
    "renku.io/hibernationCommitSha": commit,
    "renku.io/hibernationDirty": String(dirty),
    "renku.io/hibernationSynchronized": String(synchronized),
    "renku.io/hibernationDate": date,
  };
}

export const RESOURCE_CLASS_CHANGE_MESSAGE =
  "The resource class can be changed only if the server is hibernated or failing";

export interface EnvContainer {
  name: string;
  env?: { name: string; value?: string }[] | null;
}

export type TokenSource = Pick<
  RegisteredUser,
  "accessToken" | "refreshToken" | "gitToken" | "gitTokenExpiresAt"
>;

/**
 * Which env values of which container carry which credential: only the names the 1.18.1 images
 * read (images.md); HEAD's GIT_PROXY_* and GIT_CLONE_USER__RENKU_TOKEN are not among them.
 */
const TOKEN_ENV: Record<string, Record<string, (u: TokenSource) => string>> = {
  "git-proxy": {
    RENKU_ACCESS_TOKEN: (u) => u.accessToken,
    RENKU_REFRESH_TOKEN: (u) => u.refreshToken ?? "",
    GITLAB_OAUTH_TOKEN: (u) => u.gitToken,
    GITLAB_OAUTH_TOKEN_EXPIRES_AT: (u) => String(Math.trunc(u.gitTokenExpiresAt)),
  },
  "git-clone": { GIT_CLONE_USER__OAUTH_TOKEN: (u) => u.gitToken },
};

/** The same for any lists of containers, each at its JSON pointer. */
export function envTokenPatch(
  lists: [string, EnvContainer[] | null | undefined][],
  user: TokenSource,
): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  const walk = (list: EnvContainer[] | null | undefined, path: string) => {
    (list ?? []).forEach((container, ci) => {
      const table = TOKEN_ENV[container.name];
      if (!table) return;
      (container.env ?? []).forEach((variable, ei) => {
        const value = table[variable.name];
        if (!value) return;
        const base = `${path}/${ci}/env/${ei}`;
        ops.push({ op: "test", path: `${base}/name`, value: variable.name });
        ops.push({
          op: variable.value === undefined ? "add" : "replace",
          path: `${base}/value`,
          value: value(user),
        });
      });
    });
  };
  for (const [path, list] of lists) walk(list, path);
  return ops;
}

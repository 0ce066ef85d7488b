/**
 * The pieces of PATCH /servers/<name> (section 10): the hibernation annotations, the patches for
 * a resource-class change, and the fresh credentials a resumed session needs.
 */
import { Buffer } from "node:buffer";
import * as z from "zod";
import type { RegisteredUser } from "../../auth/user.js";
import type { Config } from "../../config.js";
import { userInputError } from "../../errors.js";
import { once } from "../../once.js";
import type { JsonPatchOp, ResolvedResources } from "../../sessions/types.js";
import { containerResources } from "../jupyterserver/manifest.js";
import { pythonIsoUtc } from "../jupyterserver/serialize.js";
import type { JupyterServer } from "../jupyterserver/types.js";
import { dockerConfigJson } from "./containers/session.js";

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

/** Where the sidecar of session `name` answers JSON-RPC: its Service, port and path. */
export const sidecarRpcTarget = (name: string) => ({
  service: `${name}-rpc-server`,
  port: "http",
  path: `sessions/${name}/sidecar/jsonrpc`,
});

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

export function isHibernated(js: JupyterServer): boolean {
  return js.spec?.jupyterServer?.hibernated === true || js.status?.state === "hibernated";
}

/** Merge patch for the CR: `state: hibernated`. */
export function hibernateMergePatch(git: GitStatus | undefined, now: Date) {
  return {
    metadata: { annotations: hibernationAnnotations(git, now) },
    spec: { jupyterServer: { hibernated: true } },
  };
}

/** Merge patch for the CR: `state: running`. */
export function resumeMergePatch() {
  return { spec: { jupyterServer: { hibernated: false } } };
}

export const RESOURCE_CLASS_CHANGE_MESSAGE =
  "The resource class can be changed only if the server is hibernated or failing";

/** A resource class may change only while hibernated or failed (422 otherwise). */
export function assertResourceClassChangeAllowed(js: JupyterServer): void {
  if (isHibernated(js) || js.status?.state === "failed") return;
  throw userInputError(RESOURCE_CLASS_CHANGE_MESSAGE);
}

const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/** JSON patch of the CR for a new resource class: resources, class annotation, quota label. */
export function resourceClassPatch(
  js: JupyterServer,
  config: Config,
  resources: Pick<
    ResolvedResources,
    "cpu" | "memory" | "gpu" | "resourceClassId" | "priorityClass"
  >,
): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [
    {
      op: "replace",
      path: "/spec/jupyterServer/resources",
      value: containerResources(config, resources),
    },
  ];
  if (!js.metadata.annotations) ops.push({ op: "add", path: "/metadata/annotations", value: {} });
  ops.push({
    op: "add",
    path: `/metadata/annotations/${escapePointer("renku.io/resourceClassId")}`,
    value: String(resources.resourceClassId ?? ""),
  });
  const quotaPath = `/metadata/labels/${escapePointer("renku.io/quota")}`;
  if (resources.priorityClass) {
    if (!js.metadata.labels) ops.push({ op: "add", path: "/metadata/labels", value: {} });
    ops.push({ op: "add", path: quotaPath, value: resources.priorityClass });
  } else if (js.metadata.labels?.["renku.io/quota"] !== undefined) {
    ops.push({ op: "remove", path: quotaPath });
  }
  return ops;
}

/** JSON patch of the StatefulSet's priority class (the operator does not reconcile it). */
export function statefulSetPriorityPatch(
  priorityClass: string | null,
  current: string | undefined,
): JsonPatchOp[] {
  const path = "/spec/template/spec/priorityClassName";
  if (priorityClass) return [{ op: "add", path, value: priorityClass }];
  return current === undefined ? [] : [{ op: "remove", path }];
}

export interface EnvContainer {
  name: string;
  env?: { name: string; value?: string }[] | null;
}

export interface PodTemplateSpec {
  containers?: EnvContainer[] | null;
  initContainers?: EnvContainer[] | null;
}

type TokenSource = Pick<
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

/**
 * JSON patch of the StatefulSet re-injecting fresh tokens on resume. Each replace is guarded by a
 * `test` of the variable's name so a concurrently changed template fails instead of corrupting env.
 */
export function statefulSetTokenPatch(spec: PodTemplateSpec, user: TokenSource): JsonPatchOp[] {
  return envTokenPatch(
    [
      ["/spec/template/spec/containers", spec.containers],
      ["/spec/template/spec/initContainers", spec.initContainers],
    ],
    user,
  );
}

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

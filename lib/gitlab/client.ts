/**
 * The GitLab client: a small typed fetch client rather than @gitbeaker/rest. We need seven calls;
 * gitbeaker would add hundreds of kilobytes to every bundle that touches GitLab and its module
 * graph to every cold start, for coverage we do not use. fetch is built into Node 20, answers are
 * checked with zod (schemas.ts), and retries/timeouts live in one place (http.ts).
 *
 * The same client serves users (their OAuth token), anonymous callers (no token: public projects
 * only) and the scheduled clean-up (a service token).
 */
import type * as z from "zod/mini";
import {
  authenticationError,
  gitlabForbidden,
  gitlabProjectMissing,
  intermittentError,
} from "../errors.js";
import type { Logger } from "../obs/log.js";
import { httpFetch } from "../util/node-fetch.js";
import { createTransport, type GitLabResponse, type Method } from "./http.js";
import { nextPage } from "./pagination.js";
import { DEFAULT_RETRY_POLICY } from "./retry.js";
import {
  branchListSchema,
  branchSchema,
  commitSchema,
  projectSchema,
  userSchema,
} from "./schemas.js";
import type { GitLab, ProjectKey } from "./types.js";

export * from "./types.js";

export interface GitLabClientOptions {
  /** GitLab's root URL (https://gitlab.com); /api/v4 is appended unless already there. */
  baseUrl: string;
  /** OAuth bearer token; omitted for anonymous callers. */
  token?: string | undefined;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Total time retries of one call may take (default 6 s, well under API Gateway's 29 s). */
  maxRetryMs?: number;
  fetch?: typeof fetch;
  log?: Logger;
  /** Test seams: the wait between retries and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const GITLAB_CREDENTIALS_MESSAGE =
  "Your Gitlab credentials are invalid or expired, please login Renku, or fully log out and log back in.";

const PER_PAGE = 100;
/** A guard against a server that never stops paging: 100 pages x 100 = 10 000 branches. */
const MAX_PAGES = 100;

const enc = encodeURIComponent;

/**
 * "." and ".." name no project, branch or commit, and as a URL segment (even as "%2E") the URL
 * parser drops them: "/branches/." would be "/branches/", a list call. They are never sent.
 */
const isDotSegment = (value: string) => value === "." || value === "..";

/** 401 and 403 on a project look like absence: a caller must not learn that a private project exists. */
const looksMissing = (status: number) => status === 404 || status === 401 || status === 403;

function parse<T extends z.ZodMiniType>(schema: T, res: GitLabResponse, what: string): z.output<T> {
  const result = schema.safeParse(res.body);
  if (result.success) return result.data;
  throw intermittentError(`GitLab sent a ${what} this service cannot read.`, {
    cause: result.error,
  });
}

const unexpected = (res: GitLabResponse, what: string) =>
  intermittentError(`GitLab answered status ${res.status} when asked for ${what}.`, {
    cause: res.body,
  });

export function createGitLabClient(opts: GitLabClientOptions): GitLab {
  const transport = createTransport({
    baseUrl: opts.baseUrl,
    token: opts.token,
    timeoutMs: opts.timeoutMs,
    policy: {
      ...DEFAULT_RETRY_POLICY,
      maxRetryMs: opts.maxRetryMs ?? DEFAULT_RETRY_POLICY.maxRetryMs,
    },
    fetch: opts.fetch ?? httpFetch,
    log: opts.log,
    sleep: opts.sleep,
    random: opts.random,
  });

  const url = (path: string, query?: URLSearchParams) => {
    const qs = query?.toString();
    return `${transport.apiBase}${path}${qs ? `?${qs}` : ""}`;
  };
  const call = (method: Method, path: string, query?: URLSearchParams) =>
    transport.send(method, url(path, query));
  const repo = (project: ProjectKey) => `/projects/${enc(String(project))}/repository`;

  return {
    async getProject(path) {
      if (isDotSegment(path)) return undefined;
      const res = await call("GET", `/projects/${enc(path)}`);
      if (res.status === 200) return parse(projectSchema, res, "project");
      if (looksMissing(res.status)) return undefined;
      throw unexpected(res, "a project");
    },

    async getBranch(project, name) {
      if (isDotSegment(name) || isDotSegment(String(project))) return undefined;
      const res = await call("GET", `${repo(project)}/branches/${enc(name)}`);
      if (res.status === 200) return parse(branchSchema, res, "branch");
      if (looksMissing(res.status)) return undefined;
      throw unexpected(res, "a branch");
    },

    async getCommit(project, sha) {
      if (isDotSegment(sha) || isDotSegment(String(project))) return undefined;
      const res = await call("GET", `${repo(project)}/commits/${enc(sha)}`);
      if (res.status === 200) return parse(commitSchema, res, "commit");
      if (looksMissing(res.status)) return undefined;
      throw unexpected(res, "a commit");
    },

    async listBranches(projectId, search) {
      const branches = [];
      const query = new URLSearchParams({ search, per_page: String(PER_PAGE), page: "1" });
      let target = url(`${repo(projectId)}/branches`, query);
      for (let pages = 1; ; pages++) {
        const res = await transport.send("GET", target);
        // The port's rule: a project that does not exist (404) throws; one this caller cannot
        // see (401/403) has no branches for them.
        if (res.status === 404) throw gitlabProjectMissing(projectId);
        if (looksMissing(res.status)) return branches;
        if (res.status !== 200) throw unexpected(res, "branches");
        branches.push(...parse(branchListSchema, res, "branch list"));
        const next = nextPage(res.headers, transport.apiOrigin);
        if (!next) return branches;
        if (pages >= MAX_PAGES) {
          opts.log?.warn(
            { gitlab: { projectId, pages } },
            "branch list truncated at the page limit",
          );
          return branches;
        }
        if ("url" in next) target = next.url;
        else {
          query.set("page", String(next.page));
          target = url(`${repo(projectId)}/branches`, query);
        }
      }
    },

    async deleteBranch(projectId, name) {
      if (isDotSegment(name)) return "missing";
      const res = await call("DELETE", `${repo(projectId)}/branches/${enc(name)}`);
      if (res.status === 204 || res.status === 200) return "deleted";
      if (res.status === 404) return "missing";
      if (res.status === 401) throw authenticationError(GITLAB_CREDENTIALS_MESSAGE);
      if (res.status === 403) throw gitlabForbidden(`GitLab refused to delete the branch ${name}.`);
      throw unexpected(res, "a branch deletion");
    },

    async mergeBase(projectId, refs) {
      const query = new URLSearchParams();
      for (const ref of refs) query.append("refs[]", ref);
      const res = await call("GET", `${repo(projectId)}/merge_base`, query);
      if (res.status === 200) return parse(commitSchema, res, "merge base");
      // 400 "Could not find ref: x", 404 "Merge Base Not Found": no ancestor to speak of.
      if (res.status === 400 || looksMissing(res.status)) return undefined;
      throw unexpected(res, "a merge base");
    },

    async currentUser() {
      const res = await call("GET", "/user");
      if (res.status === 200) return parse(userSchema, res, "user");
      if (res.status === 401 || res.status === 403) {
        throw authenticationError(GITLAB_CREDENTIALS_MESSAGE);
      }
      throw unexpected(res, "the current user");
    },
  };
}

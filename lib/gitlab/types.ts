/**
 * The narrow view of GitLab the service needs; every adapter and handler codes against this. The
 * answers' zod checks (schemas.ts) produce these types.
 */

/**
 * A project as the service reads it; accessLevel is the max of permissions.project_access and
 * group_access access_level, 0 when neither (or anonymous).
 */
export interface GitLabProject {
  id: number;
  path_with_namespace: string;
  http_url_to_repo: string;
  web_url: string;
  visibility: "public" | "internal" | "private";
  default_branch: string | null;
  accessLevel: number;
}

export interface GitLabBranch {
  name: string;
  commit: { id: string; committed_date: string; parent_ids?: string[] };
}

export interface GitLabCommit {
  id: string;
  short_id: string;
  committed_date: string;
  parent_ids: string[];
}

export interface GitLabUser {
  id: number;
  username: string;
  name: string;
  email?: string | null;
}

/** A project's numeric id or its path with namespace. */
export type ProjectKey = number | string;

export interface GitLab {
  /** `path` may include subgroups. undefined when missing, or when 401/403 (which look missing). */
  getProject(path: string): Promise<GitLabProject | undefined>;
  /** `project` is its id or its path (GitLab takes either), so a caller need not wait for the id. */
  getBranch(project: ProjectKey, name: string): Promise<GitLabBranch | undefined>;
  getCommit(project: ProjectKey, sha: string): Promise<GitLabCommit | undefined>;
  /** Every branch matching GitLab's `search` (`^prefix`, `suffix$`), across all pages. */
  listBranches(projectId: number, search: string): Promise<GitLabBranch[]>;
  /** Throws 403 (code 1403) when GitLab refuses, so a caller can tell refusal from absence. */
  deleteBranch(projectId: number, name: string): Promise<"deleted" | "missing">;
  /** undefined when there is no common ancestor or a ref is unknown. */
  mergeBase(projectId: number, refs: [string, string]): Promise<GitLabCommit | undefined>;
  /** Throws 401 (code 1401) when the token is missing, invalid or expired. */
  currentUser(): Promise<GitLabUser>;
}

/** GitLab REST v4 entity shapes (Project, Branch, Commit, User) as the real server renders them. */
import type { SeedCommit, SeedUser } from "../seed.js";
import type { BranchRecord, GitLabState, ProjectRecord } from "./state.js";

const lastSegment = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const namespaceOf = (path: string) => path.slice(0, path.lastIndexOf("/"));

export function commitEntity(
  base: string,
  state: GitLabState,
  project: ProjectRecord,
  c: SeedCommit,
  detailed = false,
): Record<string, unknown> {
  const author = c.author ? state.user(c.author) : undefined;
  const [title = ""] = c.message.split("\n");
  const entity: Record<string, unknown> = {
    id: c.id,
    short_id: c.id.slice(0, 8),
    created_at: c.committed_date,
    parent_ids: c.parents,
    title,
    message: c.message,
    author_name: author?.name ?? "Unknown",
    author_email: author?.email ?? "unknown@example.org",
    authored_date: c.committed_date,
    committer_name: author?.name ?? "Unknown",
    committer_email: author?.email ?? "unknown@example.org",
    committed_date: c.committed_date,
    trailers: {},
    extended_trailers: {},
    web_url: `${base}/${project.path}/-/commit/${c.id}`,
  };
  if (detailed) {
    Object.assign(entity, {
      stats: { additions: 1, deletions: 0, total: 1 },
      status: null,
      project_id: project.id,
      last_pipeline: null,
    });
  }
  return entity;
}

export function branchEntity(
  base: string,
  state: GitLabState,
  project: ProjectRecord,
  b: BranchRecord,
  accessLevel: number,
): Record<string, unknown> {
  const commit = project.commits.get(b.commit) as SeedCommit;
  return {
    name: b.name,
    commit: commitEntity(base, state, project, commit),
    merged: false,
    protected: b.protected,
    developers_can_push: false,
    developers_can_merge: false,
    can_push: accessLevel >= 30,
    default: b.name === project.default_branch,
    web_url: `${base}/${project.path}/-/tree/${b.name}`,
  };
}

export function projectEntity(
  base: string,
  project: ProjectRecord,
  caller: SeedUser | undefined,
): Record<string, unknown> {
  const ns = namespaceOf(project.path);
  const name = lastSegment(project.path);
  const entity: Record<string, unknown> = {
    id: project.id,
    description: project.description,
    name,
    name_with_namespace: project.path.split("/").join(" / "),
    path: name,
    path_with_namespace: project.path,
    created_at: project.created_at,
    default_branch: project.default_branch,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${new URL(base).host}:${project.path}.git`,
    http_url_to_repo: `${base}/${project.path}.git`,
    web_url: `${base}/${project.path}`,
    readme_url: `${base}/${project.path}/-/blob/${project.default_branch}/README.md`,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: project.created_at,
    namespace: {
      id: 100 + project.id,
      name: lastSegment(ns),
      path: lastSegment(ns),
      kind: "group",
      full_path: ns,
      parent_id: null,
      avatar_url: null,
      web_url: `${base}/groups/${ns}`,
    },
    visibility: project.visibility,
    empty_repo: project.commits.size === 0,
    archived: false,
    open_issues_count: 0,
  };
  if (caller) {
    const member = project.members.get(caller.username);
    const access = (via: "project" | "group") =>
      member && member.via === via
        ? { access_level: member.access_level, notification_level: 3 }
        : null;
    entity.permissions = { project_access: access("project"), group_access: access("group") };
  }
  return entity;
}

export function userEntity(base: string, user: SeedUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: "active",
    locked: false,
    avatar_url: null,
    web_url: `${base}/${user.username}`,
    created_at: "2024-01-01T00:00:00.000Z",
    bio: "",
    public_email: null,
    email: user.email,
    commit_email: user.email,
    is_admin: user.admin,
    can_create_project: true,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
  };
}

/** Autosave branches made in the GitLab double the way a session's preStop hook would push them. */
import { createHash } from "node:crypto";
import type { GitLabDouble } from "../../local/gitlab/index.js";

export const DAY = 86_400_000;

/** A deterministic 40-character SHA for a label. */
export const sha = (label: string) => createHash("sha1").update(label).digest("hex");

export interface AutosaveSpec {
  project: number | string;
  username: string;
  branch: string;
  /** Full SHA of a commit already in the project (the session's root). */
  root: string;
  /** How old the autosave's head commit is. */
  ageMs: number;
  /** Makes the head commit unique when the other fields repeat. */
  label?: string;
}

/** Adds the autosave's head commit (child of root) and its branch; returns the branch name. */
export function addAutosave(gitlab: GitLabDouble, spec: AutosaveSpec, now = Date.now()): string {
  const head = sha(
    `${spec.project}:${spec.username}:${spec.branch}:${spec.root}:${spec.ageMs}:${spec.label ?? ""}`,
  );
  gitlab.state.addCommit(spec.project, {
    id: head,
    parents: [spec.root],
    message: `Auto-saving for ${spec.username} on branch ${spec.branch} from commit ${spec.root.slice(0, 7)}`,
    committed_date: new Date(now - spec.ageMs).toISOString(),
  });
  const name = `renku/autosave/${spec.username}/${spec.branch}/${spec.root.slice(0, 7)}/${head.slice(0, 7)}`;
  gitlab.state.setBranch(spec.project, name, head);
  return name;
}

/** A project with one root commit, for tests that need many of them. */
export function addProject(
  gitlab: GitLabDouble,
  id: number,
  path: string,
  members: { username: string; access_level: number }[] = [],
): string {
  const root = sha(`root:${id}`);
  gitlab.state.addProject({
    id,
    path,
    visibility: "private",
    default_branch: "master",
    members,
    commits: [{ id: root, parents: [], message: "init", committed_date: "2024-01-01T00:00:00Z" }],
    branches: [{ name: "master", commit: root }],
  });
  return root;
}

/** The names of the project's branches now in the double. */
export const branchNames = (gitlab: GitLabDouble, project: number | string): string[] => [
  ...(gitlab.state.project(project)?.branches.keys() ?? []),
];

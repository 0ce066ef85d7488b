/**
 * The GitLab double as the git remote of the simulated sessions: what a session's git push of an
 * autosave branch and git-clone's branch look-up would do over git's HTTP protocol.
 */
import { createHash } from "node:crypto";
import type { GitRemote } from "../cluster/amalthea/git-session.js";
import type { GitLabState, ProjectRecord } from "./state.js";

const DEVELOPER = 30;
const REPORTER = 20;

export function gitRemoteOf(state: GitLabState, baseUrl: string): GitRemote {
  const base = baseUrl.replace(/\/+$/, "");
  const projectOf = (url: string): ProjectRecord | undefined => {
    if (!url.startsWith(`${base}/`)) return undefined;
    return state.project(url.slice(base.length + 1).replace(/\.git$/, ""));
  };
  const level = (project: ProjectRecord, token: string): number => {
    const user = state.userByToken(token);
    if (!user) return 0;
    if (user.admin) return 50;
    return project.members.get(user.username)?.access_level ?? 0;
  };
  return {
    branches(url, token, prefix) {
      const project = projectOf(url);
      if (!project) return undefined;
      if (project.visibility === "private" && level(project, token) < REPORTER) return undefined;
      return [...project.branches.keys()].filter((b) => b.startsWith(prefix));
    },
    push(url, token, branch, parent, message) {
      const project = projectOf(url);
      if (!project) return `fatal: repository '${url}' not found`;
      if (level(project, token) < DEVELOPER)
        return "remote: You are not allowed to push code to this project.";
      const user = state.userByToken(token);
      const id = createHash("sha1").update(`${branch}\n${parent}\n${Date.now()}`).digest("hex");
      state.addCommit(project.id, {
        id,
        parents: project.commits.has(parent) ? [parent] : [],
        message,
        committed_date: new Date().toISOString(),
        ...(user ? { author: user.username } : {}),
      });
      state.setBranch(project.id, branch, id);
      return undefined;
    },
    deleteBranch(url, token, branch) {
      const project = projectOf(url);
      if (project && level(project, token) >= DEVELOPER) project.branches.delete(branch);
    },
  };
}

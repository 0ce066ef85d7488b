/**
 * What the GitLab double knows: users with their tokens, projects with members, commits (a parent
 * graph, so merge_base can walk it) and branches. Tests mutate it directly to set up a case.
 */
import type { z } from "zod";
import {
  type Seed,
  type SeedCommit,
  type SeedUser,
  seedCommitSchema,
  seedProjectSchema,
  seedUserSchema,
} from "../seed.js";

export type Visibility = "public" | "internal" | "private";

export interface MemberRecord {
  access_level: number;
  via: "project" | "group";
}

export interface BranchRecord {
  name: string;
  commit: string;
  protected: boolean;
}

export interface ProjectRecord {
  id: number;
  path: string;
  visibility: Visibility;
  description: string;
  default_branch: string;
  created_at: string;
  members: Map<string, MemberRecord>;
  commits: Map<string, SeedCommit>;
  branches: Map<string, BranchRecord>;
}

export type ProjectRef = number | string;

export class GitLabState {
  readonly users: SeedUser[] = [];
  readonly projects: ProjectRecord[] = [];

  constructor(seed?: Seed) {
    if (seed) this.load(seed);
  }

  load(seed: Seed): void {
    for (const user of seed.users) this.addUser(user);
    for (const project of seed.projects) this.addProject(project);
  }

  addUser(input: z.input<typeof seedUserSchema>): SeedUser {
    const user = seedUserSchema.parse(input);
    this.users.push(user);
    return user;
  }

  userByToken(token: string): SeedUser | undefined {
    return this.users.find((u) => u.tokens.includes(token));
  }

  user(username: string): SeedUser | undefined {
    return this.users.find((u) => u.username === username);
  }

  addProject(input: z.input<typeof seedProjectSchema>): ProjectRecord {
    const p = seedProjectSchema.parse(input);
    if (this.project(p.id) || this.project(p.path)) {
      throw new Error(`project ${p.id} / ${p.path} already exists`);
    }
    const record: ProjectRecord = {
      id: p.id,
      path: p.path,
      visibility: p.visibility,
      description: p.description,
      default_branch: p.default_branch,
      created_at: "2024-01-01T00:00:00.000+00:00",
      members: new Map(
        p.members.map((m) => [m.username, { access_level: m.access_level, via: m.via }]),
      ),
      commits: new Map(),
      branches: new Map(),
    };
    this.projects.push(record);
    for (const c of p.commits) this.addCommit(record.id, c);
    for (const b of p.branches) this.setBranch(record.id, b.name, b.commit, b.protected);
    return record;
  }

  /** By numeric id, id as a string, or full path (case-insensitive, as GitLab paths are). */
  project(ref: ProjectRef): ProjectRecord | undefined {
    if (typeof ref === "number" || /^\d+$/.test(ref)) {
      return this.projects.find((p) => p.id === Number(ref));
    }
    const path = ref.toLowerCase();
    return this.projects.find((p) => p.path.toLowerCase() === path);
  }

  private mustProject(ref: ProjectRef): ProjectRecord {
    const p = this.project(ref);
    if (!p) throw new Error(`no project ${ref}`);
    return p;
  }

  addCommit(ref: ProjectRef, input: z.input<typeof seedCommitSchema>): SeedCommit {
    const project = this.mustProject(ref);
    const commit = seedCommitSchema.parse(input);
    for (const parent of commit.parents) {
      if (!project.commits.has(parent)) throw new Error(`unknown parent ${parent}`);
    }
    project.commits.set(commit.id, commit);
    return commit;
  }

  setBranch(ref: ProjectRef, name: string, sha: string, isProtected = false): void {
    const project = this.mustProject(ref);
    if (!project.commits.has(sha)) throw new Error(`unknown commit ${sha}`);
    project.branches.set(name, { name, commit: sha, protected: isProtected });
  }

  removeBranch(ref: ProjectRef, name: string): boolean {
    return this.mustProject(ref).branches.delete(name);
  }

  setMember(
    ref: ProjectRef,
    username: string,
    access_level: number,
    via: MemberRecord["via"] = "project",
  ): void {
    this.mustProject(ref).members.set(username, { access_level, via });
  }

  /** A commit by full SHA, unique prefix (>= 4), or branch name. */
  resolve(project: ProjectRecord, ref: string): SeedCommit | undefined {
    const exact = project.commits.get(ref);
    if (exact) return exact;
    const branch = project.branches.get(ref);
    if (branch) return project.commits.get(branch.commit);
    if (/^[0-9a-f]{4,39}$/.test(ref)) {
      const matches = [...project.commits.values()].filter((c) => c.id.startsWith(ref));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  /** The commit and all its ancestors. */
  ancestors(project: ProjectRecord, sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(project.commits.get(id)?.parents ?? []));
    }
    return seen;
  }

  /** git merge-base: a common ancestor that no other common ancestor descends from. */
  mergeBase(project: ProjectRecord, a: string, b: string): SeedCommit | undefined {
    const ofB = this.ancestors(project, b);
    const common = [...this.ancestors(project, a)].filter((id) => ofB.has(id));
    const best = common.filter(
      (id) => !common.some((other) => other !== id && this.ancestors(project, other).has(id)),
    );
    const sorted = best
      .map((id) => project.commits.get(id) as SeedCommit)
      .sort((x, y) => y.committed_date.localeCompare(x.committed_date));
    return sorted[0];
  }
}

/**
 * zod checks of the GitLab REST v4 answers we read. Objects are loose: GitLab adds fields between
 * versions and we must not break on them; only what we use is required.
 */
import * as z from "zod";
import type { GitLabBranch, GitLabCommit, GitLabUser } from "./types.js";

const accessSchema = z.looseObject({ access_level: z.number().int() }).nullish();

export const projectSchema = z
  .looseObject({
    id: z.number().int(),
    path_with_namespace: z.string().min(1),
    http_url_to_repo: z.string().min(1),
    web_url: z.string().min(1),
    // Absent only on very old GitLab or reduced representations: treat as private, the safe side.
    visibility: z.enum(["public", "internal", "private"]).default("private"),
    default_branch: z.string().nullish(),
    // Only present for authenticated callers.
    permissions: z
      .looseObject({ project_access: accessSchema, group_access: accessSchema })
      .nullish(),
  })
  .transform((p) => ({
    id: p.id,
    path_with_namespace: p.path_with_namespace,
    http_url_to_repo: p.http_url_to_repo,
    web_url: p.web_url,
    visibility: p.visibility,
    default_branch: p.default_branch ?? null,
    accessLevel: Math.max(
      0,
      p.permissions?.project_access?.access_level ?? 0,
      p.permissions?.group_access?.access_level ?? 0,
    ),
  }));

export const commitSchema = z
  .looseObject({
    id: z.string().min(1),
    short_id: z.string().min(1),
    committed_date: z.string().min(1),
    parent_ids: z.array(z.string()).default([]),
  })
  .transform(
    (c): GitLabCommit => ({
      id: c.id,
      short_id: c.short_id,
      committed_date: c.committed_date,
      parent_ids: c.parent_ids,
    }),
  );

export const branchSchema = z
  .looseObject({
    name: z.string().min(1),
    commit: z.looseObject({
      id: z.string().min(1),
      committed_date: z.string().min(1),
      parent_ids: z.array(z.string()).nullish(),
    }),
  })
  .transform((b): GitLabBranch => {
    const commit: GitLabBranch["commit"] = {
      id: b.commit.id,
      committed_date: b.commit.committed_date,
    };
    if (b.commit.parent_ids) commit.parent_ids = b.commit.parent_ids;
    return { name: b.name, commit };
  });

export const branchListSchema = z.array(branchSchema);

export const userSchema = z
  .looseObject({
    id: z.number().int(),
    username: z.string().min(1),
    name: z.string(),
    email: z.string().nullish(),
  })
  .transform(
    (u): GitLabUser => ({ id: u.id, username: u.username, name: u.name, email: u.email ?? null }),
  );

/**
 * zod checks of the GitLab REST v4 answers we read. Objects are loose: GitLab adds fields between
 * versions and we must not break on them; only what we use is required. zod/mini, as the
 * configuration: every launch and autosave function builds these on its cold start (issue 16).
 */
import * as z from "zod/mini";
import type { GitLabBranch, GitLabCommit, GitLabProject, GitLabUser } from "./types.js";

const nonEmpty = () => z.string().check(z.minLength(1));
const accessSchema = z.nullish(z.looseObject({ access_level: z.int() }));

export const projectSchema = z.pipe(
  z.looseObject({
    id: z.int(),
    path_with_namespace: nonEmpty(),
    http_url_to_repo: nonEmpty(),
    web_url: nonEmpty(),
    // Absent only on very old GitLab or reduced representations: treat as private, the safe side.
    visibility: z._default(z.enum(["public", "internal", "private"]), "private"),
    default_branch: z.nullish(z.string()),
    // Only present for authenticated callers.
    permissions: z.nullish(
      z.looseObject({ project_access: accessSchema, group_access: accessSchema }),
    ),
  }),
  z.transform(
    (p): GitLabProject => ({
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
    }),
  ),
);

export const commitSchema = z.pipe(
  z.looseObject({
    id: nonEmpty(),
    short_id: nonEmpty(),
    committed_date: nonEmpty(),
    parent_ids: z._default(z.array(z.string()), []),
  }),
  z.transform(
    (c): GitLabCommit => ({
      id: c.id,
      short_id: c.short_id,
      committed_date: c.committed_date,
      parent_ids: c.parent_ids,
    }),
  ),
);

export const branchSchema = z.pipe(
  z.looseObject({
    name: nonEmpty(),
    commit: z.looseObject({
      id: nonEmpty(),
      committed_date: nonEmpty(),
      parent_ids: z.nullish(z.array(z.string())),
    }),
  }),
  z.transform((b): GitLabBranch => {
    const commit: GitLabBranch["commit"] = {
      id: b.commit.id,
      committed_date: b.commit.committed_date,
    };
    if (b.commit.parent_ids) commit.parent_ids = b.commit.parent_ids;
    return { name: b.name, commit };
  }),
);

export const branchListSchema = z.array(branchSchema);

export const userSchema = z.pipe(
  z.looseObject({
    id: z.int(),
    username: nonEmpty(),
    name: z.string(),
    email: z.nullish(z.string()),
  }),
  z.transform(
    (u): GitLabUser => ({ id: u.id, username: u.username, name: u.name, email: u.email ?? null }),
  ),
);

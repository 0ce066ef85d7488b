/**
 * The local seed: who exists in the GitLab double, which projects, branches and commits, and which
 * images the registry setup pushes. Format documented in docs/seed.md. LOCAL_SEED_FILE points at
 * another file; only test/local code reads it (the service never sees the seed).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const DEFAULT_SEED_PATH = fileURLToPath(new URL("./seed.json", import.meta.url));

const RELATIVE_DATE = /^now(?:-(\d+)([dhm]))?$/;
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** "now", "now-3d", "now-2h", "now-15m" or an ISO 8601 date -> GitLab's ISO form (ms, offset). */
export function resolveDate(value: string, nowMs: number = Date.now()): string {
  const rel = RELATIVE_DATE.exec(value);
  const ms = rel
    ? nowMs - Number(rel[1] ?? 0) * UNIT_MS[(rel[2] ?? "m") as keyof typeof UNIT_MS]
    : Date.parse(value);
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

const dateSchema = z
  .string()
  .refine((v) => RELATIVE_DATE.test(v) || !Number.isNaN(Date.parse(v)), {
    message: 'must be an ISO date or "now[-N(d|h|m)]"',
  })
  .transform((v) => resolveDate(v));

const sha = z.string().regex(/^[0-9a-f]{40}$/, "must be a full 40-character lower-case SHA");

export const seedUserSchema = z.strictObject({
  id: z.number().int().positive(),
  username: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  name: z.string().min(1),
  email: z.string().min(3),
  /** OAuth / personal access tokens that authenticate as this user. */
  tokens: z.array(z.string().min(1)).default([]),
  /** A GitLab administrator sees and may change every project (a service account's token). */
  admin: z.boolean().default(false),
});

export const seedMemberSchema = z.strictObject({
  username: z.string().min(1),
  /** 10 guest, 20 reporter, 30 developer, 40 maintainer, 50 owner. */
  access_level: z.number().int().min(0).max(50),
  /** Where GitLab would report it: permissions.project_access or permissions.group_access. */
  via: z.enum(["project", "group"]).default("project"),
});

export const seedCommitSchema = z.strictObject({
  id: sha,
  parents: z.array(sha).default([]),
  message: z.string().min(1),
  committed_date: dateSchema,
  /** A seeded username; the author and committer fields are filled from that user. */
  author: z.string().optional(),
});

export const seedBranchSchema = z.strictObject({
  name: z.string().min(1),
  commit: sha,
  protected: z.boolean().default(false),
});

export const seedProjectSchema = z.strictObject({
  id: z.number().int().positive(),
  /** Full path with namespace; may include subgroups (group/sub/project). */
  path: z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/),
  visibility: z.enum(["public", "internal", "private"]),
  description: z.string().default(""),
  default_branch: z.string().min(1),
  members: z.array(seedMemberSchema).default([]),
  commits: z.array(seedCommitSchema).default([]),
  branches: z.array(seedBranchSchema).default([]),
});

/**
 * The renku-data-services double's entities (docs/seed.md, "data_services"): Renku 2 projects,
 * their session launchers (environment embedded) and the resource pools. `{gitlab}` and
 * `{registry}` in strings become the GitLab double's URL and the registry's host.
 */
const ulid = z.string().regex(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/, "must be a ULID");
export const seedDsProjectSchema = z.strictObject({
  id: ulid,
  namespace: z.string().min(1),
  slug: z.string().min(1),
  name: z.string().min(1),
  visibility: z.enum(["public", "private"]),
  /** Seeded usernames; their Keycloak `sub` is `sub-<username>` (test/helpers/users.ts). */
  members: z.array(z.string()).default([]),
  repositories: z.array(z.string()).default([]),
  secrets_mount_directory: z.string().default("/secrets"),
  /** Ids of the data connectors linked to the project (GET /projects/{id}/data_connector_links). */
  data_connectors: z.array(ulid).default([]),
  /** Usernames who saved secrets for the project's session secret slots. */
  session_secrets: z.array(z.string()).default([]),
});
export const seedDsLauncherSchema = z.strictObject({
  id: ulid,
  project_id: ulid,
  name: z.string().min(1),
  launcher_type: z.enum(["interactive", "non-interactive"]).default("interactive"),
  resource_class_id: z.number().int().nullable().default(null),
  disk_storage: z.number().int().nullable().default(null),
  env_variables: z
    .array(z.strictObject({ name: z.string(), value: z.string().optional() }))
    .default([]),
  environment: z.strictObject({
    id: ulid,
    name: z.string().min(1),
    container_image: z.string().min(1),
    default_url: z.string().default("/lab"),
    port: z.number().int().default(8888),
    uid: z.number().int().default(1000),
    gid: z.number().int().default(100),
    working_directory: z.string().optional(),
    mount_directory: z.string().optional(),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    strip_path_prefix: z.boolean().default(false),
  }),
});
export const seedDsClassSchema = z.strictObject({
  id: z.number().int().positive(),
  name: z.string().min(1),
  cpu: z.number().positive(),
  memory: z.number().int().positive(),
  gpu: z.number().int().min(0).default(0),
  max_storage: z.number().int().positive(),
  default_storage: z.number().int().positive(),
  default: z.boolean().default(false),
  quota_enforced: z.boolean().default(false),
  tolerations: z.array(z.string()).default([]),
  node_affinities: z
    .array(z.strictObject({ key: z.string(), required_during_scheduling: z.boolean() }))
    .default([]),
});
export const seedDsPoolSchema = z.strictObject({
  id: z.number().int().positive(),
  name: z.string().min(1),
  public: z.boolean(),
  default: z.boolean().default(false),
  /** For non-public pools: the usernames that may use them. */
  users: z.array(z.string()).default([]),
  quota: z.string().optional(),
  idle_threshold: z.number().int().optional(),
  hibernation_threshold: z.number().int().optional(),
  cpu_limit_factor: z.number().optional(),
  /** A remote (HPC) pool: launches on it are refused as not yet supported. */
  remote: z.boolean().default(false),
  classes: z.array(seedDsClassSchema).min(1),
  /** This week's cost per username, against the limits (0 = none), as resource_usage answers. */
  usage: z
    .strictObject({
      user_limit: z.number().int().min(0).default(0),
      total_limit: z.number().int().min(0).default(0),
      costs: z.record(z.string(), z.number().int().min(0)).default({}),
    })
    .optional(),
});
export const seedDataServicesSchema = z.strictObject({
  projects: z.array(seedDsProjectSchema).default([]),
  launchers: z.array(seedDsLauncherSchema).default([]),
  resource_pools: z.array(seedDsPoolSchema).default([]),
});

/** Image references to push to the local registry; its format belongs to the registry setup. */
export const seedImageSchema = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

export const seedSchema = z
  .strictObject({
    users: z.array(seedUserSchema).default([]),
    projects: z.array(seedProjectSchema).default([]),
    images: z.array(seedImageSchema).default([]),
    data_services: seedDataServicesSchema.default({
      projects: [],
      launchers: [],
      resource_pools: [],
    }),
  })
  .superRefine((seed, ctx) => {
    const usernames = new Set(seed.users.map((u) => u.username));
    seed.projects.forEach((p, i) => {
      const shas = new Set(p.commits.map((c) => c.id));
      p.members.forEach((m, j) => {
        if (!usernames.has(m.username)) {
          ctx.addIssue({
            code: "custom",
            path: ["projects", i, "members", j, "username"],
            message: `unknown user ${m.username}`,
          });
        }
      });
      p.commits.forEach((c, j) => {
        for (const parent of c.parents) {
          if (!shas.has(parent)) {
            ctx.addIssue({
              code: "custom",
              path: ["projects", i, "commits", j, "parents"],
              message: `unknown parent ${parent}`,
            });
          }
        }
      });
      p.branches.forEach((b, j) => {
        if (!shas.has(b.commit)) {
          ctx.addIssue({
            code: "custom",
            path: ["projects", i, "branches", j, "commit"],
            message: `unknown commit ${b.commit}`,
          });
        }
      });
    });
  });

export type Seed = z.output<typeof seedSchema>;
export type SeedInput = z.input<typeof seedSchema>;
export type SeedUser = z.output<typeof seedUserSchema>;
export type SeedProject = z.output<typeof seedProjectSchema>;
export type SeedCommit = z.output<typeof seedCommitSchema>;
export type SeedDataServices = z.output<typeof seedDataServicesSchema>;

/** Parse and check a seed; throws one error listing every problem with its JSON path. */
export function parseSeed(data: unknown): Seed {
  const result = seedSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new Error(`Invalid seed: ${problems.join("; ")}`);
}

/** The seed at `path`, else $LOCAL_SEED_FILE, else test/local/seed.json. */
export function loadSeed(path?: string): Seed {
  const file = path ?? process.env.LOCAL_SEED_FILE ?? DEFAULT_SEED_PATH;
  return parseSeed(JSON.parse(readFileSync(file, "utf8")) as unknown);
}

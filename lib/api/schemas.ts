/**
 * The zod schemas of the API: they validate requests and, through zod-openapi, are the OpenAPI
 * document at /notebooks/spec.json. Nothing in that document is written by hand.
 */
import { z } from "zod";

const flag = z
  .enum(["true", "false", "True", "False", "1", "0"])
  .transform((v) => v === "true" || v === "True" || v === "1");

export const errorBody = z
  .object({
    error: z.object({
      code: z
        .number()
        .int()
        .meta({ description: "1xxx user error, 2xxx bug, 3xxx infrastructure" }),
      message: z.string(),
      detail: z.string().optional(),
    }),
  })
  .meta({ id: "ErrorResponse" });

export const serverNameParams = z.object({
  server_name: z.string().min(1).meta({ description: "The session's server name" }),
});

export const projectParams = z.object({
  namespace_project: z
    .string()
    .min(1)
    .meta({ description: "`namespace/project`, URL-encoded; may include subgroups" }),
});

export const autosaveParams = projectParams.extend({
  autosave_name: z
    .string()
    .min(1)
    .meta({ description: "The autosave's full branch name, URL-encoded" }),
});

export const listServersQuery = z.object({
  project: z.string().optional(),
  namespace: z.string().optional(),
  branch: z.string().optional(),
  commit_sha: z.string().optional(),
});

export const deleteServerQuery = z.object({
  forced: flag.default(false).meta({ description: "Skip the grace period (no autosave)" }),
});

export const logsQuery = z.object({
  max_lines: z.coerce.number().int().min(0).default(250),
});

export const imagesQuery = z.object({
  image_url: z
    .string()
    .min(1)
    .meta({ description: "An image reference, e.g. `renku/renkulab-py:3.10`" }),
});

const legacyServerOptions = z.strictObject({
  defaultUrl: z.string().optional(),
  cpu_request: z.union([z.number(), z.string()]).optional(),
  mem_request: z.union([z.number(), z.string()]).optional(),
  disk_request: z.union([z.number(), z.string()]).optional(),
  gpu_request: z.union([z.number(), z.string()]).optional(),
  lfs_auto_fetch: z.boolean().optional(),
});

export const launchBody = z
  .strictObject({
    namespace: z
      .string()
      .min(1)
      .transform((s) => s.toLowerCase()),
    project: z
      .string()
      .min(1)
      .transform((s) => s.toLowerCase()),
    branch: z.string().min(1).default("master"),
    commit_sha: z.string().regex(/^[0-9a-fA-F]{7,64}$/, "Not a valid commit SHA."),
    notebook: z.string().nullish(),
    image: z.string().min(1).nullish(),
    resource_class_id: z.number().int().positive().nullish(),
    storage: z.number().int().min(0).optional(),
    lfs_auto_fetch: z.boolean().optional(),
    default_url: z.string().min(1).optional(),
    environment_variables: z.record(z.string(), z.string()).default({}),
    serverOptions: legacyServerOptions.optional(),
    cloudstorage: z
      .array(z.unknown())
      .max(0, "Cloud storage is not enabled on this deployment.")
      .optional(),
  })
  .meta({ id: "LaunchNotebookRequest" });

export const patchBody = z
  .object({
    state: z.enum(["running", "hibernated"]).optional(),
    resource_class_id: z.number().int().positive().optional(),
  })
  .meta({ id: "PatchServerRequest" });

const step = z.object({
  step: z.string(),
  status: z.enum(["ready", "waiting", "executing", "failed"]),
});

export const serverStatus = z
  .object({
    state: z.enum(["starting", "running", "stopping", "failed", "hibernated"]),
    message: z.string().optional(),
    details: z.array(step),
    totalNumContainers: z.number().int(),
    readyNumContainers: z.number().int(),
    warnings: z.array(z.object({ message: z.string(), critical: z.boolean() })),
  })
  .meta({ id: "ServerStatus" });

export const notebookResponse = z
  .object({
    name: z.string(),
    annotations: z.record(z.string(), z.string().nullable()),
    state: z.object({ pod_name: z.string().nullable() }),
    started: z.string().nullable(),
    status: serverStatus,
    url: z.string(),
    resources: z.object({
      requests: z.record(z.string(), z.union([z.string(), z.number()])),
      usage: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    }),
    image: z.string(),
  })
  .meta({ id: "NotebookResponse" });

export const serversResponse = z
  .object({ servers: z.record(z.string(), notebookResponse) })
  .meta({ id: "ServersResponse" });

export const logsResponse = z
  .record(z.string(), z.string())
  .meta({ id: "LogsResponse", description: "Raw log text keyed by container name" });

export const versionResponse = z
  .object({
    name: z.literal("renku-notebooks"),
    versions: z.array(
      z.object({
        version: z.string(),
        data: z.object({
          anonymousSessionsEnabled: z.boolean(),
          cloudstorageEnabled: z.object({ s3: z.boolean(), azure_blob: z.boolean() }),
          sshEnabled: z.boolean(),
          defaultCullingThresholds: z.object({
            registered: z.object({ idle: z.number(), hibernation: z.number() }),
            anonymous: z.object({ idle: z.number(), hibernation: z.number() }),
          }),
        }),
      }),
    ),
  })
  .meta({ id: "VersionResponse" });

export const serverOptionsResponse = z
  .record(z.string(), z.unknown())
  .meta({ id: "ServerOptionsResponse" });

export const autosavesResponse = z
  .object({
    pvsSupport: z.boolean(),
    autosaves: z.array(
      z.object({
        branch: z.string(),
        commit: z.string(),
        pvs: z.boolean(),
        date: z.string().nullable(),
        name: z.string(),
      }),
    ),
  })
  .meta({ id: "AutosavesResponse" });

/**
 * The zod schemas of the API: they validate requests and, through zod-openapi, are the OpenAPI
 * document at /notebooks/spec.json. Nothing in that document is written by hand.
 */
import * as z from "zod";
import { once } from "../once.js";
import { LIMITS } from "./limits.js";

export { LIMITS };

/**
 * Runs `make` at import, as a call esbuild may drop when nothing reads its result: each function's
 * bundle then builds only the schemas its route uses, not the whole API's (cold starts, issue 16).
 * The annotation is only honoured for calls in the file that declares it, hence a local helper.
 */
/* @__NO_SIDE_EFFECTS__ */
function built<T>(make: () => T): T {
  return make();
}

/**
 * A response schema, built on first call and then the same instance: only the OpenAPI document
 * (spec) reads them at run time, so the other functions never build theirs (the routes read them
 * through getters). The types stay in the schema: z.output<ReturnType<typeof notebookResponse>>.
 */
/* @__NO_SIDE_EFFECTS__ */
function lazy<T>(make: () => T): () => T {
  return once(make);
}

/** "." and ".." segments turn into another URL once a client normalises the path. */
const DOT_SEGMENT = /^\.+$/;
const SEGMENT_MESSAGE = "Path segments may not be empty or made of dots only.";
const hasCleanSegments = (value: string) =>
  value.split("/").every((segment) => segment !== "" && !DOT_SEGMENT.test(segment));
/** A slash-separated path (project path, branch): bounded, no empty or dot-only segment. */
const segmentedPath = (max: number) =>
  z.string().min(1).max(max).refine(hasCleanSegments, SEGMENT_MESSAGE);

/** A commit SHA in full: 40 hex digits, or 64 in a SHA-256 repository. */
export const COMMIT_SHA = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;
/** Environment variable names: C identifiers, as shells and R's .Renviron expect. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const environmentVariables = built(() =>
  z
    .record(
      z.string().max(LIMITS.envName).regex(ENV_NAME, "Not a valid variable name."),
      z
        .string()
        .max(LIMITS.envValue)
        .refine((v) => !v.includes("\u0000"), "A value may not contain NUL characters."),
    )
    .superRefine((vars, ctx) => {
      const entries = Object.entries(vars);
      if (entries.length > LIMITS.envCount) {
        ctx.addIssue({ code: "custom", message: `At most ${LIMITS.envCount} variables.` });
        return;
      }
      const total = entries.reduce((n, [k, v]) => n + k.length + v.length, 0);
      if (total > LIMITS.envTotal) {
        ctx.addIssue({
          code: "custom",
          message: `Names and values may hold at most ${LIMITS.envTotal} characters in all.`,
        });
      }
    }),
);

const quantity = built(() => z.union([z.number(), z.string().max(LIMITS.quantity)]));

const flag = built(() =>
  z
    .enum(["true", "false", "True", "False", "1", "0"])
    .transform((v) => v === "true" || v === "True" || v === "1"),
);

export const errorBody = built(() =>
  z
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
    .meta({ id: "ErrorResponse" }),
);

export const serverNameParams = built(() =>
  z.object({
    server_name: z
      .string()
      .min(1)
      .max(LIMITS.serverName)
      .meta({ description: "The session's server name" }),
  }),
);

export const projectParams = built(() =>
  z.object({
    namespace_project: segmentedPath(LIMITS.projectPath).meta({
      description: "`namespace/project`, URL-encoded; may include subgroups",
    }),
  }),
);

export const autosaveParams = built(() =>
  projectParams.extend({
    autosave_name: segmentedPath(LIMITS.autosaveName).meta({
      description: "The autosave's full branch name, URL-encoded",
    }),
  }),
);

export const listServersQuery = built(() =>
  z.object({
    project: z.string().max(LIMITS.pathSegment).optional(),
    namespace: z.string().max(LIMITS.projectPath).optional(),
    branch: z.string().max(LIMITS.branch).optional(),
    commit_sha: z.string().max(64).optional(),
  }),
);

export const deleteServerQuery = built(() =>
  z.object({
    forced: flag.default(false).meta({ description: "Skip the grace period (no autosave)" }),
  }),
);

export const logsQuery = built(() =>
  z.object({
    max_lines: z.coerce.number().int().min(0).max(LIMITS.logLines).default(250),
  }),
);

export const eventsQuery = built(() =>
  z.object({
    since: z
      .string()
      .regex(/^\d{1,15}-\d{1,30}$/, "Not a cursor: pass the next_since of an earlier answer.")
      .optional()
      .meta({
        description: "The `next_since` of an earlier answer: only newer events are returned.",
      }),
  }),
);

export const imagesQuery = built(() =>
  z.object({
    image_url: z
      .string()
      .min(1)
      .max(LIMITS.image)
      .meta({ description: "An image reference, e.g. `renku/renkulab-py:3.10`" }),
  }),
);

const legacyServerOptions = built(() =>
  z.strictObject({
    defaultUrl: z.string().max(LIMITS.urlPath).optional(),
    cpu_request: quantity.optional(),
    mem_request: quantity.optional(),
    disk_request: quantity.optional(),
    gpu_request: quantity.optional(),
    lfs_auto_fetch: z.boolean().optional(),
  }),
);

export const launchBody = built(() =>
  z
    .strictObject({
      namespace: segmentedPath(LIMITS.projectPath).transform((s) => s.toLowerCase()),
      project: segmentedPath(LIMITS.pathSegment).transform((s) => s.toLowerCase()),
      branch: segmentedPath(LIMITS.branch).default("master"),
      commit_sha: z
        .string()
        .regex(COMMIT_SHA, "Not a valid commit SHA: 40 hexadecimal digits, or 64 (SHA-256)."),
      notebook: z.string().max(LIMITS.urlPath).nullish(),
      image: z.string().min(1).max(LIMITS.image).nullish(),
      resource_class_id: z.number().int().positive().nullish(),
      storage: z.number().int().min(0).optional(),
      lfs_auto_fetch: z.boolean().optional(),
      default_url: z.string().min(1).max(LIMITS.urlPath).optional(),
      environment_variables: environmentVariables.default({}),
      serverOptions: legacyServerOptions.optional(),
      cloudstorage: z
        .array(z.unknown())
        .max(0, "Cloud storage is not enabled on this deployment.")
        .optional(),
    })
    .meta({ id: "LaunchNotebookRequest" }),
);

export const patchBody = built(() =>
  z
    .object({
      state: z.enum(["running", "hibernated"]).optional(),
      resource_class_id: z.number().int().positive().optional(),
    })
    .meta({ id: "PatchServerRequest" }),
);

const step = lazy(() =>
  z.object({
    step: z.string(),
    status: z.enum(["ready", "waiting", "executing", "failed"]),
  }),
);

export const serverStatus = lazy(() =>
  z
    .object({
      state: z.enum(["starting", "running", "stopping", "failed", "hibernated"]),
      message: z.string().optional(),
      details: z.array(step()),
      totalNumContainers: z.number().int(),
      readyNumContainers: z.number().int(),
      warnings: z.array(z.object({ message: z.string(), critical: z.boolean() })),
    })
    .meta({ id: "ServerStatus" }),
);

export const notebookResponse = lazy(() =>
  z
    .object({
      name: z.string(),
      annotations: z.record(z.string(), z.string().nullable()),
      state: z.object({ pod_name: z.string().nullable() }),
      started: z.string().nullable(),
      status: serverStatus(),
      url: z.string(),
      resources: z.object({
        requests: z.record(z.string(), z.union([z.string(), z.number()])),
        usage: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      }),
      image: z.string(),
    })
    .meta({ id: "NotebookResponse" }),
);

export const serversResponse = lazy(() =>
  z.object({ servers: z.record(z.string(), notebookResponse()) }).meta({ id: "ServersResponse" }),
);

export const logsResponse = lazy(() =>
  z
    .record(z.string(), z.string())
    .meta({ id: "LogsResponse", description: "Raw log text keyed by container name" }),
);

const sessionEvent = lazy(() =>
  z
    .object({
      time: z.iso.datetime().meta({ description: "When it last happened" }),
      type: z.string().meta({ description: "Normal or Warning" }),
      reason: z
        .string()
        .meta({ description: "e.g. Scheduled, FailedScheduling, Pulling, Pulled, BackOff" }),
      message: z
        .string()
        .meta({ description: "As Kubernetes wrote it, token-like strings redacted" }),
      count: z
        .number()
        .int()
        .meta({ description: "How often it happened (repeats fold into one)" }),
      object: z.object({ kind: z.string(), name: z.string() }),
      step: z.string().nullable().meta({
        description:
          "The status step (status.details) it is about; null for the pod or session as a whole",
      }),
    })
    .meta({ id: "SessionEvent" }),
);

export const eventsResponse = lazy(() =>
  z
    .object({
      events: z.array(sessionEvent()).meta({ description: "Oldest first; at most 200 per answer" }),
      next_since: z.string().nullable().meta({
        description: "Pass as `since` to get what happens next; null while there are no events",
      }),
    })
    .meta({ id: "SessionEventsResponse", description: "The session's Kubernetes events" }),
);

export const versionResponse = lazy(() =>
  z
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
    .meta({ id: "VersionResponse" }),
);

export const serverOptionsResponse = lazy(() =>
  z.record(z.string(), z.unknown()).meta({ id: "ServerOptionsResponse" }),
);

export const autosavesResponse = lazy(() =>
  z
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
    .meta({ id: "AutosavesResponse" }),
);

/**
 * The zod schemas of the API: they validate requests and, through zod-openapi, are the OpenAPI
 * document at /notebooks/spec.json. Nothing in that document is written by hand.
 */
// Requests are validated on every call, so their schemas use zod/mini: the same checks and
// messages as classic zod at half the cost to build, on every cold start. The responses, which
// only the OpenAPI document reads, keep classic zod's methods (responses.ts).
import * as zm from "zod/mini";
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

/** "." and ".." segments turn into another URL once a client normalises the path. */
const DOT_SEGMENT = /^\.+$/;
const SEGMENT_MESSAGE = "Path segments may not be empty or made of dots only.";
const hasCleanSegments = (value: string) =>
  value.split("/").every((segment) => segment !== "" && !DOT_SEGMENT.test(segment));
/** A slash-separated path (project path, branch): bounded, no empty or dot-only segment. */
const segmentedPath = (max: number) =>
  zm
    .string()
    .check(zm.minLength(1), zm.maxLength(max), zm.refine(hasCleanSegments, SEGMENT_MESSAGE));
/** A schema with its OpenAPI description (classic zod's .meta, on the same instance). */
const described = <T extends zm.ZodMiniType>(schema: T, description: string): T => {
  zm.globalRegistry.add(schema as zm.ZodMiniType, { description });
  return schema;
};

/** A commit SHA in full: 40 hex digits, or 64 in a SHA-256 repository. */
export const COMMIT_SHA = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;
/** Environment variable names: C identifiers, as shells and R's .Renviron expect. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const environmentVariables = built(() =>
  zm
    .record(
      zm
        .string()
        .check(zm.maxLength(LIMITS.envName), zm.regex(ENV_NAME, "Not a valid variable name.")),
      zm.string().check(
        zm.maxLength(LIMITS.envValue),
        zm.refine((v: string) => !v.includes("\u0000"), "A value may not contain NUL characters."),
      ),
    )
    .check(
      zm.superRefine((vars, ctx) => {
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
    ),
);

const quantity = built(() =>
  zm.union([zm.number(), zm.string().check(zm.maxLength(LIMITS.quantity))]),
);

const flag = built(() =>
  zm.pipe(
    zm.enum(["true", "false", "True", "False", "1", "0"]),
    zm.transform((v) => v === "true" || v === "True" || v === "1"),
  ),
);

export const errorBody = built(() =>
  zm
    .object({
      error: zm.object({
        code: described(
          zm.number().check(zm.int()),
          "1xxx user error, 2xxx bug, 3xxx infrastructure",
        ),
        message: zm.string(),
        detail: zm.optional(zm.string()),
      }),
    })
    .register(zm.globalRegistry, { id: "ErrorResponse" }),
);

export const serverNameParams = built(() =>
  zm.object({
    server_name: described(
      zm.string().check(zm.minLength(1), zm.maxLength(LIMITS.serverName)),
      "The session's server name",
    ),
  }),
);

export const projectParams = built(() =>
  zm.object({
    namespace_project: described(
      segmentedPath(LIMITS.projectPath),
      "`namespace/project`, URL-encoded; may include subgroups",
    ),
  }),
);

export const autosaveParams = built(() =>
  zm.extend(projectParams, {
    autosave_name: described(
      segmentedPath(LIMITS.autosaveName),
      "The autosave's full branch name, URL-encoded",
    ),
  }),
);

export const listServersQuery = built(() =>
  zm.object({
    project: zm.optional(zm.string().check(zm.maxLength(LIMITS.pathSegment))),
    namespace: zm.optional(zm.string().check(zm.maxLength(LIMITS.projectPath))),
    branch: zm.optional(zm.string().check(zm.maxLength(LIMITS.branch))),
    commit_sha: zm.optional(zm.string().check(zm.maxLength(64))),
  }),
);

export const deleteServerQuery = built(() =>
  zm.object({
    forced: described(zm._default(flag, false), "Skip the grace period (no autosave)"),
  }),
);

export const logsQuery = built(() =>
  zm.object({
    max_lines: zm._default(
      zm.coerce.number().check(zm.int(), zm.gte(0), zm.lte(LIMITS.logLines)),
      250,
    ),
  }),
);

export const eventsQuery = built(() =>
  zm.object({
    since: described(
      zm.optional(
        zm
          .string()
          .check(
            zm.regex(
              /^\d{1,15}-\d{1,30}$/,
              "Not a cursor: pass the next_since of an earlier answer.",
            ),
          ),
      ),
      "The `next_since` of an earlier answer: only newer events are returned.",
    ),
  }),
);

export const imagesQuery = built(() =>
  zm.object({
    image_url: described(
      zm.string().check(zm.minLength(1), zm.maxLength(LIMITS.image)),
      "An image reference, e.g. `renku/renkulab-py:3.10`",
    ),
  }),
);

const legacyServerOptions = built(() =>
  zm.strictObject({
    defaultUrl: zm.optional(zm.string().check(zm.maxLength(LIMITS.urlPath))),
    cpu_request: zm.optional(quantity),
    mem_request: zm.optional(quantity),
    disk_request: zm.optional(quantity),
    gpu_request: zm.optional(quantity),
    lfs_auto_fetch: zm.optional(zm.boolean()),
  }),
);

const lowerCase = () => zm.transform((s: string) => s.toLowerCase());

export const launchBody = built(() =>
  zm
    .strictObject({
      namespace: zm.pipe(segmentedPath(LIMITS.projectPath), lowerCase()),
      project: zm.pipe(segmentedPath(LIMITS.pathSegment), lowerCase()),
      branch: zm._default(segmentedPath(LIMITS.branch), "master"),
      commit_sha: zm
        .string()
        .check(
          zm.regex(COMMIT_SHA, "Not a valid commit SHA: 40 hexadecimal digits, or 64 (SHA-256)."),
        ),
      notebook: zm.nullish(zm.string().check(zm.maxLength(LIMITS.urlPath))),
      image: zm.nullish(zm.string().check(zm.minLength(1), zm.maxLength(LIMITS.image))),
      resource_class_id: zm.nullish(zm.number().check(zm.int(), zm.positive())),
      storage: zm.optional(zm.number().check(zm.int(), zm.gte(0))),
      lfs_auto_fetch: zm.optional(zm.boolean()),
      default_url: zm.optional(zm.string().check(zm.minLength(1), zm.maxLength(LIMITS.urlPath))),
      environment_variables: zm._default(environmentVariables, {}),
      serverOptions: zm.optional(legacyServerOptions),
      cloudstorage: zm.optional(
        zm
          .array(zm.unknown())
          .check(zm.maxLength(0, "Cloud storage is not enabled on this deployment.")),
      ),
    })
    .register(zm.globalRegistry, { id: "LaunchNotebookRequest" }),
);

export const patchBody = built(() =>
  zm
    .object({
      state: zm.optional(zm.enum(["running", "hibernated"])),
      resource_class_id: zm.optional(zm.number().check(zm.int(), zm.positive())),
    })
    .register(zm.globalRegistry, { id: "PatchServerRequest" }),
);

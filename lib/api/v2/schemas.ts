/**
 * The v2 sessions API's schemas (renku-data-services' notebooks/api.spec.yaml, v2-sessions.md
 * 1.2-1.3). Request bodies ignore unknown fields, as data-services' pydantic models do. Response
 * schemas are built only for the OpenAPI document (lazily, as ../schemas.ts does).
 */
import * as z from "zod";
import { once } from "../../util/once.js";

/* @__NO_SIDE_EFFECTS__ */
function built<T>(make: () => T): T {
  return make();
}

export const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;
const ulid = () => z.string().length(26).regex(ULID, "String should be a ULID");

export const sessionIdParams = built(() => z.object({ session_id: z.string().min(1) }));

export const listQuery = built(() =>
  z.object({ session_type: z.enum(["interactive", "non-interactive"]).optional() }),
);

export const logsQuery = built(() =>
  z.object({
    max_lines: z
      .string()
      .regex(/^\s*[+-]?\d+\s*$/, "Input should be a valid integer")
      .transform(Number)
      .optional()
      .transform((v) => v ?? 250),
  }),
);

export const imagesQuery = built(() => z.object({ image_url: z.string().min(1) }));

const envOverride = () =>
  z.object({
    name: z
      .string()
      .max(256)
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/),
    value: z.string().max(500),
  });

const dataConnectorOverride = () =>
  z.object({
    data_connector_id: ulid(),
    skip: z.boolean().default(false),
    configuration: z.record(z.string(), z.unknown()).nullish(),
    source_path: z.string().nullish(),
    target_path: z.string().nullish(),
    readonly: z.boolean().nullish(),
  });

export const postBody = built(() =>
  z.object({
    launcher_id: ulid(),
    disk_storage: z.number().int().nullish(),
    resource_class_id: z.number().int().nullish(),
    submission_id: z
      .string()
      .regex(/^[a-z][-0-9a-z]{3,19}$/)
      .nullish(),
    data_connectors_overrides: z.array(dataConnectorOverride()).nullish(),
    env_variable_overrides: z.array(envOverride()).nullish(),
    job_command_override: z.array(z.string()).nullish(),
    job_args_override: z.array(z.string()).nullish(),
  }),
);

export const patchBody = built(() =>
  z.object({
    state: z.enum(["running", "hibernated"]).optional(),
    resource_class_id: z.number().int().optional(),
    lastInteraction: z
      .union([z.literal("now"), z.iso.datetime({ offset: true, local: true })])
      .optional(),
  }),
);

const sessionStatus = () =>
  z.object({
    state: z.enum(["running", "starting", "stopping", "failed", "hibernated", "succeeded"]),
    ready_containers: z.number().int().min(0),
    total_containers: z.number().int().min(0),
    message: z.string().optional(),
    will_hibernate_at: z.string().optional(),
    will_delete_at: z.string().optional(),
  });

export const sessionResponse = once(() =>
  z
    .object({
      image: z.string(),
      name: z.string(),
      resources: z.object({
        requests: z
          .object({
            cpu: z.number().optional(),
            memory: z.number().int().optional(),
            storage: z.number().int().optional(),
            gpu: z.number().int().optional(),
          })
          .optional(),
      }),
      started: z.string(),
      status: sessionStatus(),
      url: z.string(),
      project_id: z.string(),
      launcher_id: z.string(),
      resource_class_id: z.number().int(),
      session_type: z.enum(["interactive", "non-interactive"]),
      lastInteraction: z.string().optional(),
      job_completed_at: z.string().optional(),
      submission_id: z.string().optional(),
      command_args: z.array(z.string()).optional(),
    })
    .meta({ id: "SessionResponse" }),
);

export const sessionList = once(() => z.array(sessionResponse()));

export const imageCheckResponse = once(() =>
  z
    .object({
      accessible: z.boolean(),
      platforms: z
        .array(
          z.object({
            architecture: z.string(),
            os: z.string(),
            "os.version": z.string().optional(),
            "os.features": z.array(z.string()).optional(),
            variant: z.string().optional(),
          }),
        )
        .optional(),
    })
    .meta({ id: "ImageCheckResponse" }),
);

export const logsResponse = once(() => z.record(z.string(), z.string()));

export type SessionResponse = z.input<ReturnType<typeof sessionResponse>>;

/**
 * The response schemas of the API (classic zod, with .meta for the OpenAPI document). Only the
 * OpenAPI document (spec) reads them at run time; the other functions use their types only.
 */
import * as z from "zod";
import { once } from "../util/once.js";

/**
 * A response schema, built on first call and then the same instance: only the OpenAPI document
 * (spec) reads them at run time, so the other functions never build theirs (the routes read them
 * through getters). The types stay in the schema: z.output<ReturnType<typeof notebookResponse>>.
 */
/* @__NO_SIDE_EFFECTS__ */
function lazy<T>(make: () => T): () => T {
  return once(make);
}

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

/**
 * What renku-data-services answers on the four reads a v2 launch makes (its OpenAPI documents
 * session/api.spec.yaml, project/api.spec.yaml, crc/api.spec.yaml, resource_usage/api.spec.yaml):
 * only the fields a launch reads are checked, the rest pass through. Built on first use.
 */
import * as z from "zod";
import { once } from "../util/once.js";

const envVar = z.looseObject({ name: z.string(), value: z.string().nullish() });

export const schemas = once(() => {
  const environment = z.looseObject({
    id: z.string(),
    name: z.string().optional(),
    container_image: z.string(),
    default_url: z.string().nullish(),
    port: z.number().int().nullish(),
    uid: z.number().int().nullish(),
    gid: z.number().int().nullish(),
    working_directory: z.string().nullish(),
    mount_directory: z.string().nullish(),
    command: z.array(z.string()).nullish(),
    args: z.array(z.string()).nullish(),
    strip_path_prefix: z.boolean().nullish(),
    environment_image_source: z.string().nullish(),
    build_parameters: z.unknown().optional(),
  });
  const launcher = z.looseObject({
    id: z.string(),
    project_id: z.string(),
    name: z.string(),
    environment,
    resource_class_id: z.number().int().nullish(),
    disk_storage: z.number().int().nullish(),
    env_variables: z.array(envVar).nullish(),
    launcher_type: z.string().nullish(),
  });
  const project = z.looseObject({
    id: z.string(),
    name: z.string(),
    namespace: z.string(),
    slug: z.string(),
    visibility: z.string().optional(),
    repositories: z.array(z.string()).nullish(),
    secrets_mount_directory: z.string().nullish(),
  });
  const resourceClass = z.looseObject({
    id: z.number().int(),
    name: z.string(),
    cpu: z.number(),
    memory: z.number(),
    gpu: z.number(),
    max_storage: z.number(),
    default_storage: z.number(),
    default: z.boolean(),
    quota_enforced: z.boolean().nullish(),
    tolerations: z.array(z.string()).nullish(),
    node_affinities: z
      .array(z.looseObject({ key: z.string(), required_during_scheduling: z.boolean().optional() }))
      .nullish(),
  });
  const pool = z.looseObject({
    id: z.number().int(),
    name: z.string(),
    default: z.boolean(),
    public: z.boolean().optional(),
    quota: z.looseObject({ id: z.string().optional() }).nullish(),
    classes: z.array(resourceClass),
    idle_threshold: z.number().int().nullish(),
    hibernation_threshold: z.number().int().nullish(),
    cpu_limit_factor: z.number().nullish(),
    cluster_id: z.string().nullish(),
    remote: z.unknown().optional(),
  });
  const summary = z.looseObject({ runtime: z.number(), cost: z.number() });
  const usage = z.looseObject({
    total_usage: summary,
    user_usage: summary,
    pool_limits: z.looseObject({
      pool_id: z.number().int().optional(),
      total_limit: z.number(),
      user_limit: z.number(),
    }),
  });
  const links = z.array(z.looseObject({ data_connector_id: z.string() }));
  const sessionSecrets = z.array(z.looseObject({ secret_slot: z.unknown().optional() }));
  return { launcher, project, resourceClass, pools: z.array(pool), usage, links, sessionSecrets };
});

type S = ReturnType<typeof schemas>;
export type Launcher = z.output<S["launcher"]>;
export type Project = z.output<S["project"]>;
export type ResourceClass = z.output<S["resourceClass"]>;
export type ResourcePool = z.output<S["pools"]>[number];
export type PoolUsage = z.output<S["usage"]>;

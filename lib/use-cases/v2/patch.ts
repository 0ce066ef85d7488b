/**
 * PATCH /api/data/sessions/{id} (core_sessions.py patch_session): one JSON merge patch. Hibernate
 * sets `spec.hibernated` and nothing else it was not asked for; resume checks the quota first; a
 * class change rewrites resources, tolerations, affinity, priority class and the class/pool
 * annotations; every PATCH rewrites `culling.lastInteraction` (set, or removed when not given).
 * Unless hibernating, the sidecars are refreshed from the launcher and project (fresh tokens).
 */

import type { Deps } from "../../adapters/deps.js";
import { v2Errors } from "../../api/v2/errors.js";
import type { V2Caller } from "../../auth/v2-caller.js";
import type { AmaltheaSession } from "../../backends/amaltheasession/types.js";
import {
  classAffinity,
  classResources,
  classTolerations,
  gitCloneInit,
  gitProxy,
  goDuration,
  mountAndWorkDir,
  V2ConfigurationError,
} from "../../backends/amaltheasession/v2-manifest.js";
import type { DataServices } from "../../data-services/client.js";
import { fromUpstream } from "./errors.js";
import { refreshPullSecret } from "./image-access.js";
import { requireDataServices, tokenOf } from "./launch.js";
import { checkQuota, pickClass } from "./resources.js";
import { ANNOTATIONS, LABELS } from "./serialize.js";
import { findSession } from "./sessions.js";

export type PatchDeps = Pick<Deps, "config" | "amaltheaSessions" | "dataServices" | "now">;

export interface PatchRequest {
  state?: "running" | "hibernated" | undefined;
  resource_class_id?: number | undefined;
  lastInteraction?: string | undefined;
}

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
const seconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The lastInteraction to write: now, a past date-time with a zone, or null (removed). */
function lastInteraction(value: string | undefined, now: Date): string | null {
  if (value === undefined) return null;
  if (value === "now") return seconds(now);
  if (!HAS_ZONE.test(value))
    throw v2Errors.invalid(`The timestamp has no timezone information: ${value}`);
  const at = new Date(value);
  if (at.getTime() > now.getTime())
    throw v2Errors.invalid(`The timestamp is in the future: ${value}`);
  return seconds(at);
}

type Named = { name: string } & Record<string, unknown>;
/** data-services' _make_patch_spec_list: `updated` upserted into `existing` by name. */
function upsert<T extends Named>(existing: T[] | undefined, updated: T[]): T[] {
  const out = [...(existing ?? [])];
  for (const item of updated) {
    const i = out.findIndex((e) => e.name === item.name);
    if (i >= 0) out[i] = item;
    else out.push(item);
  }
  return out;
}

function labelsPatch(current: Record<string, string | null> | undefined, caller: V2Caller) {
  const labels = { ...(current ?? {}), [LABELS.user]: caller.id } as Record<string, string>;
  if (caller.kind === "anonymous") labels[LABELS.anonymous] = "true";
  if (!labels[LABELS.type]) labels[LABELS.type] = "interactive";
  return labels;
}

/** The sidecars rebuilt from the launcher and project as a launch would make them now. */
async function refreshedSidecars(
  deps: PatchDeps,
  ds: DataServices,
  caller: V2Caller,
  cr: AmaltheaSession,
) {
  const launcherId = cr.metadata.annotations?.[ANNOTATIONS.launcher] ?? "";
  const launcher = await fromUpstream(ds.launcher(launcherId));
  const project = await fromUpstream(ds.project(launcher.project_id));
  const { mount, work } = mountAndWorkDir(launcher, cr.spec.session.workingDir);
  const env = launcher.environment;
  const clone = gitCloneInit(
    deps.config,
    caller,
    project,
    mount,
    work,
    env.uid ?? 1000,
    env.gid ?? 1000,
  );
  const proxy = gitProxy(deps.config, caller, project);
  return {
    initContainers: upsert(cr.spec.initContainers, clone ? [clone] : []),
    extraContainers: upsert(cr.spec.extraContainers, proxy ? [proxy] : []),
  };
}

export async function patchSession(
  deps: PatchDeps,
  caller: V2Caller,
  name: string,
  body: PatchRequest,
): Promise<AmaltheaSession> {
  const cr = await findSession(deps, caller, name);
  if (!cr) throw v2Errors.missing(`The session with ID ${name} does not exist`);
  const now = deps.now();
  const interaction = lastInteraction(body.lastInteraction, now);
  const current = (cr.status?.state ?? "NotReady").toLowerCase();
  // The spec says what was asked: a hibernation the operator has not reached yet still shows
  // Running in the status, and is resumed all the same.
  const asked = cr.spec.hibernated === true;
  const hibernate = body.state === "hibernated" && !asked && current !== "hibernated";
  const resume = body.state === "running" && (asked || current !== "running");
  const ds = () => requireDataServices(deps)(tokenOf(caller));

  const annotations = { ...(cr.metadata.annotations ?? {}) } as Record<string, string>;
  const templateAnnotations: Record<string, string> = {
    ...(cr.spec.template?.metadata?.annotations ?? {}),
  };
  const spec: Record<string, unknown> = {};
  const session: Record<string, unknown> = {};
  let culling: Record<string, unknown> = { lastInteraction: interaction };
  let poolId = Number(annotations[ANNOTATIONS.resourcePool]) || undefined;
  let quotaEnforced: boolean | undefined;

  if (body.resource_class_id !== undefined) {
    const pools = await fromUpstream(ds().resourcePools());
    let picked: ReturnType<typeof pickClass>;
    try {
      picked = pickClass(pools, body.resource_class_id);
    } catch {
      throw v2Errors.missing(
        `The resource class you requested with ID ${body.resource_class_id} does not exist`,
      );
    }
    const { pool, resourceClass } = picked;
    for (const target of [annotations, templateAnnotations]) {
      target[ANNOTATIONS.resourceClass] = String(resourceClass.id);
      target[ANNOTATIONS.resourcePool] = String(pool.id);
    }
    const next = classResources(resourceClass, pool.cpu_limit_factor);
    const reset = { memory: null, cpu: null, "nvidia.com/gpu": null };
    session.resources = {
      requests: { ...reset, ...next.requests },
      limits: { ...reset, ...next.limits },
    };
    spec.tolerations = classTolerations(resourceClass);
    spec.affinity = classAffinity(resourceClass);
    spec.priorityClassName = pool.quota?.id ?? null;
    poolId = pool.id;
    quotaEnforced = resourceClass.quota_enforced ?? false;
    const registered = deps.config.sessions.culling.registered;
    const anonymous = caller.kind === "anonymous";
    culling = {
      maxAge: goDuration(registered.max_age_seconds),
      maxFailedDuration: goDuration(registered.failed_seconds),
      maxHibernatedDuration: goDuration(
        anonymous ? 1 : (pool.hibernation_threshold ?? registered.hibernated_seconds),
      ),
      maxIdleDuration: goDuration(
        pool.idle_threshold ??
          (anonymous
            ? deps.config.sessions.culling.anonymous.idle_seconds
            : registered.idle_seconds),
      ),
      maxStartingDuration: goDuration(registered.pending_seconds),
      lastInteraction: interaction,
    };
  }

  if (resume) {
    if (quotaEnforced === undefined && poolId !== undefined) {
      const classId = Number(annotations[ANNOTATIONS.resourceClass]);
      const rc = await ds()
        .resourceClass(classId)
        .catch(() => undefined);
      quotaEnforced = rc?.quota_enforced ?? false;
    }
    if (quotaEnforced && poolId !== undefined) await checkQuota(ds(), poolId);
    await refreshPullSecret(deps, caller, cr);
    spec.hibernated = false;
  }
  if (hibernate) spec.hibernated = true;

  const patch: Record<string, unknown> = {
    metadata: {
      labels: labelsPatch(cr.metadata.labels, caller),
      ...(body.resource_class_id !== undefined ? { annotations } : {}),
    },
    spec: {
      ...spec,
      culling,
      template: {
        metadata: {
          labels: labelsPatch(cr.spec.template?.metadata?.labels, caller),
          ...(body.resource_class_id !== undefined ? { annotations: templateAnnotations } : {}),
        },
      },
      ...(Object.keys(session).length > 0 ? { session } : {}),
    },
  };
  if (!hibernate && deps.dataServices) {
    try {
      Object.assign(patch.spec as object, await refreshedSidecars(deps, ds(), caller, cr));
    } catch (err) {
      if (err instanceof V2ConfigurationError) throw v2Errors.server(err.message);
      throw err;
    }
  }
  const patched = await deps.amaltheaSessions.patchMerge(name, patch);
  if (!patched) throw v2Errors.missing(`The session with ID ${name} does not exist`);
  return patched;
}

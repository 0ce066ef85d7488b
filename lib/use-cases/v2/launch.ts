/**
 * POST /api/data/sessions (core_sessions.py start_session): the launcher first, with the
 * caller's own token so that data-services' authorisation applies; the name (data-services'
 * derivation) decides whether the session exists already (200); that lookup, project, pools,
 * usage and the image's working directory run at once (launch-reads.ts); then the quota, and the
 * AmaltheaSession with its Secret as data-services makes them.
 * What this service cannot launch yet is refused with a 422 naming it, never silently dropped.
 */

import type { Deps } from "../../adapters/deps.js";
import { v2Errors } from "../../api/v2/errors.js";
import type { V2Caller } from "../../auth/v2-caller.js";
import { SESSION_COOKIE } from "../../auth/v2-caller.js";
import type { AmaltheaSession } from "../../backends/amaltheasession/types.js";
import {
  buildV2Session,
  V2ConfigurationError,
} from "../../backends/amaltheasession/v2-manifest.js";
import type { Logger } from "../../obs/log.js";
import { isLabelValue } from "../../util/labels.js";
import { fromUpstream } from "./errors.js";
import { imageAccess, privateImageRefused } from "./image-access.js";
import { startLaunchReads } from "./launch-reads.js";
import { diskStorage, enforceQuota, pickClass } from "./resources.js";
import { SlugError, sessionName } from "./session-name.js";
import { findSession } from "./sessions.js";

export type LaunchDeps = Pick<Deps, "config" | "amaltheaSessions" | "dataServices" | "registry">;

export interface LaunchRequest {
  launcher_id: string;
  disk_storage?: number | null | undefined;
  resource_class_id?: number | null | undefined;
  submission_id?: string | null | undefined;
  data_connectors_overrides?: { data_connector_id: string; skip: boolean }[] | null | undefined;
  env_variable_overrides?: { name: string; value: string }[] | null | undefined;
  job_command_override?: string[] | null | undefined;
  job_args_override?: string[] | null | undefined;
}

export const NOT_SUPPORTED = {
  jobs: "Non-interactive sessions (jobs) are not supported yet by this sessions service.",
  remote: "Sessions on remote resource pools (HPC) are not supported yet by this sessions service.",
  dataConnectors:
    "Data connectors are not supported yet by this sessions service: the project links data connectors; launch with data_connectors_overrides skip: true for each, or unlink them.",
  sessionSecrets:
    "Project session secrets are not supported yet by this sessions service: you saved secrets for this project's session secret slots; remove them to launch here.",
} as const;

export function requireDataServices(deps: Pick<Deps, "dataServices">) {
  if (!deps.dataServices)
    throw v2Errors.server(
      "This sessions service cannot launch: NB_DATA_SERVICES__URL (renku-data-services) is not set.",
    );
  return deps.dataServices;
}

export const tokenOf = (caller: V2Caller) =>
  caller.kind === "registered" ? caller.accessToken : undefined;

export async function launchSession(
  deps: LaunchDeps,
  caller: V2Caller,
  body: LaunchRequest,
  log: Logger,
): Promise<{ created: boolean; session: AmaltheaSession }> {
  const ds = requireDataServices(deps)(tokenOf(caller));
  const launcher = await fromUpstream(ds.launcher(body.launcher_id));
  const interactive = launcher.launcher_type !== "non-interactive";
  if (!interactive) throw v2Errors.invalid(NOT_SUPPORTED.jobs);
  if (body.job_args_override || body.job_command_override)
    throw v2Errors.invalid("Interactive sessions don't allow job_args_override.");

  // The id labels the session (renku.io/safe-username): the API server would refuse another.
  if (!isLabelValue(caller.id))
    throw v2Errors.invalid(
      "The caller's id (the token's sub, or Renku-Auth-Anon-Id) is not a valid Kubernetes label value, so no session can carry it.",
    );
  const classId = body.resource_class_id ?? launcher.resource_class_id;
  let name: string;
  try {
    name = sessionName(
      {
        id: caller.id,
        email: caller.kind === "registered" ? caller.email : undefined,
        firstName: caller.kind === "registered" ? caller.firstName : undefined,
        lastName: caller.kind === "registered" ? caller.lastName : undefined,
      },
      launcher.project_id,
      launcher.id,
      deps.config.data_services.cluster_id,
    );
  } catch (err) {
    if (err instanceof SlugError) throw v2Errors.invalid(err.message);
    throw err;
  }
  // Everything else at once; awaited below in data-services' order (launch-reads.ts).
  const reads = startLaunchReads({
    ds,
    caller,
    launcher,
    classId: classId ?? null,
    findExisting: () => findSession(deps, caller, name),
    image: () =>
      imageAccess(
        deps,
        caller,
        launcher.environment.container_image,
        !launcher.environment.working_directory,
        log,
      ),
  });
  const existing = await reads.existing;
  if (existing) return { created: false, session: existing };

  const [project, pools, savedSecrets, links] = await reads.upstream;
  const chosen = pickClass(pools, classId);
  const { pool, resourceClass } = chosen;
  const disk = diskStorage(resourceClass, body.disk_storage);
  if (resourceClass.quota_enforced) enforceQuota(await reads.usage(chosen));
  if (pool.remote) throw v2Errors.invalid(NOT_SUPPORTED.remote);
  if (savedSecrets.length > 0) throw v2Errors.invalid(NOT_SUPPORTED.sessionSecrets);
  const skipped = new Set(
    (body.data_connectors_overrides ?? []).filter((o) => o.skip).map((o) => o.data_connector_id),
  );
  if (
    (body.data_connectors_overrides ?? []).some((o) => !o.skip) ||
    links.some((l) => !skipped.has(l.data_connector_id))
  )
    throw v2Errors.invalid(NOT_SUPPORTED.dataConnectors);

  const overrides = body.env_variable_overrides ?? [];
  const known = new Set((launcher.env_variables ?? []).map((v) => v.name));
  const unknown = [...new Set(overrides.map((o) => o.name).filter((n) => !known.has(n)))].sort();
  if (unknown.length > 0)
    throw v2Errors.invalid(
      `The following environment variables are not defined in the session launcher: {${unknown.map((n) => `'${n}'`).join(", ")}}. Please remove them from the launch request or add them to the session launcher.`,
    );

  if (caller.kind === "anonymous" && !caller.sessionCookie)
    throw v2Errors.unauthorized(
      `You have to have a renku session cookie at ${SESSION_COOKIE} in order to launch an anonymous session.`,
    );

  const image = await reads.image;
  if (image.kind === "unavailable")
    throw v2Errors.invalid(
      privateImageRefused(launcher.environment.container_image, deps.config.git.registry),
    );
  const { session, secrets } = buildOrExplain(deps, {
    name,
    caller,
    launcher,
    project,
    pool,
    resourceClass,
    diskStorage: disk,
    imageWorkdir: image.workdir,
    registryPull:
      image.kind === "gitlab"
        ? { registry: image.registry, gitlabToken: image.gitlabToken }
        : undefined,
    envOverrides: overrides,
  });
  return createWithSecrets(deps, caller, session, secrets, log);
}

function buildOrExplain(deps: LaunchDeps, plan: Parameters<typeof buildV2Session>[2]) {
  try {
    return buildV2Session(deps.config, deps.config.k8s.namespace, plan);
  } catch (err) {
    if (err instanceof V2ConfigurationError) throw v2Errors.server(err.message);
    throw err;
  }
}

/** Secrets first (upserted), then the CR; a failed CR create removes the Secrets again. */
async function createWithSecrets(
  deps: LaunchDeps,
  caller: V2Caller,
  session: AmaltheaSession,
  secrets: ReturnType<typeof buildV2Session>["secrets"],
  log: Logger,
): Promise<{ created: boolean; session: AmaltheaSession }> {
  const repo = deps.amaltheaSessions;
  const name = session.metadata.name;
  try {
    const made = await Promise.all(secrets.map((secret) => repo.createSecret(secret)));
    const existing = secrets.filter((_, i) => !made[i]);
    // Left by a failed launch, unless a concurrent identical launch made them (its session is
    // then the answer): refresh the leftovers, never a live session's.
    if (existing.length > 0 && !(await repo.get(name)))
      await Promise.all(existing.map((secret) => repo.overwriteSecret(secret)));
    const result = await repo.create(session);
    if (result.created) return { created: true, session: result.server };
    // A concurrent identical launch made it first: that session is the answer.
    const raced = await findSession(deps, caller, name);
    if (raced) return { created: false, session: raced };
    throw new Error("a session of that name exists for another user");
  } catch (err) {
    log.error({ err, session: name }, "v2 launch failed");
    // Only when no session adopted them: they would be left behind.
    if (!(await repo.get(name).catch(() => undefined)))
      await Promise.all(secrets.map((s) => repo.deleteSecret(s.metadata.name).catch(() => false)));
    throw v2Errors.server("Could not start the amalthea session");
  }
}

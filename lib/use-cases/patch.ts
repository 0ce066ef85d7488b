/**
 * PATCH /servers/<name> (section 10): hibernate, resume, change the resource class.
 * Checks in the reference's order: PVs disabled (500 3006), anonymous (422 3007), lookup (404).
 */
import type { User } from "../auth/user.js";
import {
  assertResourceClassChangeAllowed,
  hibernateMergePatch,
  isHibernated,
  resourceClassPatch,
  resumeMergePatch,
  statefulSetPriorityPatch,
} from "../backends/jupyterserver/index.js";
import { hasGitSidecar, sidecarGitStatus } from "../backends/jupyterserver/sidecar.js";
import type { JupyterServer } from "../backends/jupyterserver/types.js";
import type { Deps } from "../deps.js";
import {
  AppError,
  anonymousPatchError,
  missingResource,
  patchServerError,
  pvDisabledError,
} from "../errors.js";
import { countEvent } from "../obs/metrics.js";
import type { ResourceSource } from "../sessions/resource-source.js";
import { notFoundMessages, requireOwnedServer } from "./lookup.js";
import { resourcesForClass } from "./resource-class.js";
import { reinjectTokens } from "./resume.js";

export interface SessionPatch {
  state?: "running" | "hibernated" | undefined;
  resource_class_id?: number | undefined;
}

/** Runs a write; any failure but our own AppErrors of 4xx becomes the reference's 3005. */
async function write<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && err.status < 500) throw err;
    throw patchServerError({ cause: err instanceof AppError ? (err.cause ?? err) : err });
  }
}

/**
 * Kubernetes calls: 1 GET; a class change adds a JSON patch of the CR and, in parallel with
 * nothing else, a StatefulSet GET then patch; hibernation adds 1 merge patch; resume adds 2
 * parallel reads (StatefulSet, pull secret), up to 2 parallel writes, then 1 merge patch.
 */
export async function patchSession(
  deps: Pick<Deps, "k8s" | "config" | "now" | "log">,
  user: User,
  name: string,
  body: SessionPatch,
  source: ResourceSource,
): Promise<JupyterServer> {
  if (!deps.config.sessions.storage.pvs_enabled) throw pvDisabledError();
  if (user.kind !== "registered") throw anonymousPatchError();
  const repo = deps.k8s;
  const gone = () => missingResource(notFoundMessages.get(name));
  let js = await requireOwnedServer(deps, user, name, notFoundMessages.get(name));

  if (body.resource_class_id !== undefined) {
    assertResourceClassChangeAllowed(js);
    const resources = await resourcesForClass(deps.config, user, body.resource_class_id, source);
    const current = js;
    const patched = await write(() =>
      repo.patchJson(name, resourceClassPatch(current, deps.config, resources)),
    );
    if (!patched) throw gone();
    js = patched;
    await write(async () => {
      // The operator does not reconcile the priority class into the StatefulSet; 404 is ignored.
      const sts = await repo.getStatefulSet(name);
      const ops = statefulSetPriorityPatch(
        resources.priorityClass,
        sts?.spec?.template?.spec?.priorityClassName,
      );
      if (sts && ops.length > 0) await repo.patchStatefulSetJson(name, ops);
    });
  }

  if (body.state === "hibernated" && !isHibernated(js)) {
    const git = hasGitSidecar(js) ? await sidecarGitStatus(deps, name) : undefined;
    const patched = await write(() => repo.patchMerge(name, hibernateMergePatch(git, deps.now())));
    if (!patched) throw gone();
    js = patched;
    countEvent("Hibernations");
  } else if (body.state === "running" && isHibernated(js)) {
    // Fresh tokens first, so the pod the resume creates starts with them.
    await write(() => reinjectTokens(deps, user, name));
    const patched = await write(() => repo.patchMerge(name, resumeMergePatch()));
    if (!patched) throw gone();
    js = patched;
    countEvent("Resumes");
  }
  return js;
}

/**
 * PATCH /servers/<name> (section 10): hibernate, resume, change the resource class.
 * Checks in the reference's order: PVs disabled (500 3006), anonymous (422 3007), lookup (404).
 */

import type { Deps } from "../adapters/deps.js";
import type { User } from "../auth/user.js";
import type { Session } from "../backends/port.js";
import {
  AppError,
  anonymousPatchError,
  describeError,
  missingResource,
  patchServerError,
  pvDisabledError,
} from "../errors.js";
import { countEvent } from "../obs/metrics.js";
import type { ResourceSource } from "../sessions/resource-source.js";
import { changePlaceShare, resumePlaces } from "./launch/quota.js";
import { notFoundMessages, requireOwnedServer } from "./lookup.js";
import { resourcesForClass } from "./resource-class.js";
import { handOffStop } from "./stop-hand-off.js";

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
 * Calls (JupyterServer): 1 GET; a class change adds a JSON patch of the CR and a StatefulSet GET
 * then patch; hibernation adds 1 merge patch; resume adds 2 parallel reads (StatefulSet, pull
 * secret), up to 2 parallel writes, then 1 merge patch. AmaltheaSession: the same without the
 * StatefulSet (the resume's fresh tokens go into the CR's own patch).
 */
export async function patchSession(
  deps: Pick<Deps, "sessions" | "config" | "now" | "log" | "quotas" | "stopHandOff">,
  user: User,
  name: string,
  body: SessionPatch,
  source: ResourceSource,
): Promise<Session> {
  if (!deps.config.sessions.storage.pvs_enabled) throw pvDisabledError();
  if (user.kind !== "registered") throw anonymousPatchError();
  const backend = deps.sessions;
  const gone = () => missingResource(notFoundMessages.get(name));
  let session = await requireOwnedServer(deps, user, name, notFoundMessages.get(name));

  if (body.resource_class_id !== undefined) {
    backend.assertResourceClassChangeAllowed(session);
    const resources = await resourcesForClass(deps.config, user, body.resource_class_id, source);
    const current = session;
    // A session holding a place (failed) takes its new CPU and memory share first (D19).
    const undo = await changePlaceShare(deps, user, name, resources, deps.log);
    const patched = await write(() => backend.changeResourceClass(current, resources)).catch(
      async (err: unknown) => {
        await undo();
        throw err;
      },
    );
    if (!patched) {
      await undo();
      throw gone();
    }
    session = patched;
  }

  const handedOff =
    body.state === "hibernated" && !backend.isHibernated(session)
      ? await handOffStop(deps, session, "hibernate")
      : undefined;
  if (handedOff) {
    // The sessionStop function autosaves, hibernates and frees the places (D24); stopping until then.
    session = handedOff;
  } else if (body.state === "hibernated" && !backend.isHibernated(session)) {
    const current = session;
    const patched = await write(() => backend.hibernate(current, deps.now()));
    if (!patched) throw gone();
    session = patched;
    // A hibernated session holds no place (D19); the resume takes one again. Failing to free
    // them keeps them taken (the safe side) until the session is resumed or deleted.
    await deps.quotas.releaseSession(name).catch((err: unknown) => {
      deps.log.warn(
        { server: name, err: describeError(err) },
        "could not free a hibernated session's quota places",
      );
    });
    countEvent("Hibernations");
  } else if (body.state === "running" && backend.isHibernated(session)) {
    const current = session;
    // Resuming takes the places a launch would, or 429 (D19).
    const places = await resumePlaces(deps, user, current, deps.log);
    const patched = await write(() => backend.resume(current, user)).catch(async (err: unknown) => {
      await places.release();
      throw err;
    });
    if (!patched) {
      await places.release();
      throw gone();
    }
    session = patched;
    countEvent("Resumes");
  }
  return session;
}

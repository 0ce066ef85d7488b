/**
 * POST /notebooks/servers (docs/spec.md 4.1): names, idempotency, resources, username limit,
 * the concurrent existence checks, the quota reservation, creation without leftovers, then the
 * ledger and the autosave clean-up. Calls made (registered caller, static options, nothing missing):
 *   Kubernetes: LIST the caller's sessions (AmaltheaSession: and their pods); the quota record,
 *     alongside the GitLab and registry checks (GET the ConfigMap, LIST the sessions that count,
 *     POST or PUT the ConfigMap); POST the session (AmaltheaSession: its Secrets first); then at
 *     once, drop the reservation (GET + PUT the ConfigMap) and GET (+ POST or PUT) the ledger's;
 *   GitLab: project, branch and commit (both by the project's path) and the caller's profile at
 *     once, then the autosave branch list (+ a merge base and a delete per own autosave), unless
 *     that clean-up is handed to its own function (NB_AUTOSAVE__ON_LAUNCH_FUNCTION: one Lambda
 *     Invoke instead);
 *   registry: the image (manifest, plus the config blob for its working directory), started at
 *     once (the commit image named from the request; checked again only if GitLab's path differs).
 */

import type { Deps } from "../../adapters/deps.js";
import type { User } from "../../auth/user.js";
import type { Created, NotebookResponse } from "../../backends/port.js";
import { cannotStartServerError, isSessionNameTaken, sessionNameTakenError } from "../../errors.js";
import type { Logger } from "../../obs/log.js";
import { assertSafeUsernameLength, ownsSession, sessionNames } from "../../sessions/index.js";
import { settle, unsettle } from "../../util/settle.js";
import { afterLaunch } from "./after-launch.js";
import { type LaunchBody, toLaunchRequest } from "./body.js";
import { checkLaunchResources } from "./checks.js";
import { reserveSession } from "./quota.js";
import { launchResources } from "./resources.js";

export interface LaunchOutcome {
  status: 200 | 201;
  server: NotebookResponse;
}

export type LaunchDeps = Pick<
  Deps,
  | "config"
  | "sessions"
  | "gitlab"
  | "registry"
  | "resources"
  | "ledger"
  | "quotas"
  | "now"
  | "launchCleanup"
>;

export async function launchSession(
  deps: LaunchDeps,
  user: User,
  body: LaunchBody,
  log: Logger,
): Promise<LaunchOutcome> {
  const { config } = deps;
  const backend = deps.sessions;
  const request = toLaunchRequest(body);
  const names = sessionNames(user, request);

  // Idempotency: the caller's session for this launch, under any name it may have, is the answer
  // whatever the body says. Names held by someone else are skipped (docs/spec.md 3.1, never a 500).
  const listed = await backend.listForUser(user.safeUsername);
  const own = names.known
    .map((n) => listed.find((s) => s.name === n))
    .find((s) => s !== undefined && ownsSession(backend.owner(s), user));
  if (own) return { status: 200, server: backend.serialize(own, deps.now()) };
  const taken = new Set(listed.map((s) => s.name));
  const free = names.create.filter((n) => !taken.has(n));
  if (free.length < names.create.length) {
    log.warn(
      { servers: names.create, free: free.length },
      "a foreign session holds a session name",
    );
  }
  if (free.length === 0) throw sessionNameTakenError(names.create[0]);

  const resources = await launchResources(deps, user, body);
  assertSafeUsernameLength(user.safeUsername);
  const checks = checkLaunchResources(deps, user, request, log);
  // The first name's quota reservation (Kubernetes only) runs while GitLab and the registry answer.
  // A failed check still wins, as if it had come first: the reservation is dropped, then it throws.
  const reserveFirst = settle(reserveSession(deps, user, free[0] as string, resources, log));
  let checked: Awaited<typeof checks>;
  try {
    checked = await checks;
  } catch (err) {
    const early = await reserveFirst;
    if (early.ok) await early.value();
    throw err;
  }

  let name = "";
  let created: Created | undefined;
  // The reservation only guards the creation: once made, it is dropped while the ledger is written.
  let released: Promise<void> = Promise.resolve();
  for (const [i, candidate] of free.entries()) {
    name = candidate;
    const release =
      i === 0
        ? unsettle(await reserveFirst)
        : await reserveSession(deps, user, name, resources, log);
    try {
      // Throws 422 code 1004 when a variable redefines a built-in one: before anything is created.
      created = await backend.create(
        {
          config,
          user,
          gitlabUser: checked.gitlabUser,
          name,
          request,
          project: checked.project,
          image: checked.image,
          resources,
        },
        log,
      );
    } catch (err) {
      await release();
      // Taken meanwhile by a session the list did not show: the next name, if there is one.
      if (!isSessionNameTaken(err) || i === free.length - 1) throw err;
      continue;
    }
    released = release();
    break;
  }
  if (!created) throw cannotStartServerError(name);

  let response: NotebookResponse;
  try {
    response = backend.serialize(created.session, deps.now());
  } catch (err) {
    await Promise.all([released, created.discard()]);
    throw cannotStartServerError(name, { cause: err });
  }
  if (created.status === 200) {
    await released;
    return { status: 200, server: response };
  }

  const [after] = await Promise.all([
    afterLaunch(deps, { user, project: checked.project, commit: checked.commit.id, log }),
    released,
  ]);
  log.info(
    {
      server: name,
      image: checked.image.image,
      defaultImage: checked.image.usedDefault,
      privateImage: checked.image.private,
      ledger: after.ledger,
      autosaves: after.autosaves,
    },
    "session created",
  );
  return { status: 201, server: response };
}

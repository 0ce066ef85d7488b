/**
 * POST /notebooks/servers (docs/spec.md 4.1): names, idempotency, resources, username limit,
 * the concurrent existence checks, the quota places (D19), creation without leftovers, then the
 * ledger and the autosave clean-up. Calls made (registered caller, static options, nothing missing):
 *   Kubernetes: LIST the caller's sessions (AmaltheaSession: and their pods) and, at the same
 *     time, the quota places of the caller's group, alongside the GitLab and registry checks (all
 *     dropped when the caller's session exists: 200); once they pass, POST
 *     one place per scope (1 registered, 2 or 3 anonymous); POST the session (AmaltheaSession: its
 *     Secrets first); PUT each place with its session as owner, and meanwhile GET the ledger's
 *     ConfigMap (+ POST or PUT it when the project's entry is over an hour old; none for a caller
 *     whose session cannot autosave). The concurrent spawn limit, when set, adds a LIST, a POST and a DELETE;
 *     a lost race for a place, a LIST and a POST;
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
import { afterLaunch, recordInLedger } from "./after-launch.js";
import { type LaunchBody, toLaunchRequest } from "./body.js";
import { checkLaunchResources } from "./checks.js";
import { launchPlaces, type TakenPlaces } from "./quota.js";
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
  /** The caller's source address (requestContext.http.sourceIp): the anonymous share's key. */
  client?: string,
): Promise<LaunchOutcome> {
  const { config } = deps;
  const backend = deps.sessions;
  const request = toLaunchRequest(body);
  const names = sessionNames(user, request);

  // The reads a new launch needs (its resources, the GitLab and registry checks, the quota places)
  // write nothing: they start alongside the existence check, and are dropped when it finds the
  // caller's session. A caller refused before them (name too long, D21) starts none.
  const ahead: Partial<ReturnType<typeof startReads>> = launchable(deps, user)
    ? startReads(deps, user, body, request, client, log)
    : {};

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

  const resources = ahead.resources
    ? unsettle(await ahead.resources)
    : await launchResources(deps, user, body);
  assertSafeUsernameLength(user.safeUsername);
  // Before the quota places: a launch no URL could open writes nothing (D21).
  backend.assertCanLaunch(user);
  const checks = ahead.checks
    ? ahead.checks.then(unsettle)
    : checkLaunchResources(deps, user, request, log);
  // The quota places are listed while GitLab and the registry answer; nothing is written before
  // every check has passed, so a refused launch leaves the cluster as it was.
  const places = ahead.places ?? launchPlaces(deps, user, client, log);
  const checked = await checks;

  let name = "";
  let created: Created | undefined;
  let placed: TakenPlaces | undefined;
  for (const [i, candidate] of free.entries()) {
    name = candidate;
    const mine = await places.take(name, { cpu: resources.cpu, memory: resources.memory });
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
      await mine.release();
      // Taken meanwhile by a session the list did not show: the next name, if there is one.
      if (!isSessionNameTaken(err) || i === free.length - 1) throw err;
      continue;
    }
    placed = mine;
    break;
  }
  if (!created || !placed) throw cannotStartServerError(name);
  const launch = created;
  const held = placed;
  const afterInput = { user, project: checked.project, commit: checked.commit.id, log };
  // A concurrent identical POST made it: its places are the session's, these are spare.
  const settled =
    launch.status === 200
      ? held.release()
      : Promise.all([held.adopt(backend.reference(launch.session)), held.done()]);
  // The ledger needs only the project: recorded while the places are handed to the session.
  const ledger = launch.status === 201 ? recordInLedger(deps, afterInput) : undefined;
  try {
    await settled;
  } catch (err) {
    // Frozen past the places' lifetime, and no room left since: the session cannot stay.
    await Promise.all([launch.discard(), held.release()]);
    throw err;
  }

  let response: NotebookResponse;
  try {
    response = backend.serialize(launch.session, deps.now());
  } catch (err) {
    await launch.discard();
    throw cannotStartServerError(name, { cause: err });
  }
  if (launch.status === 200) return { status: 200, server: response };

  const after = await afterLaunch(deps, afterInput, ledger);
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

/** Whether the caller passes the launch's own refusals (its name's length, D21's cookie). */
function launchable(deps: LaunchDeps, user: User): boolean {
  try {
    assertSafeUsernameLength(user.safeUsername);
    deps.sessions.assertCanLaunch(user);
    return true;
  } catch {
    return false;
  }
}

/** The launch's reads, started at once; awaited in the order the launch needs them. */
function startReads(
  deps: LaunchDeps,
  user: User,
  body: LaunchBody,
  request: ReturnType<typeof toLaunchRequest>,
  client: string | undefined,
  log: Logger,
) {
  return {
    resources: settle(launchResources(deps, user, body)),
    checks: settle(checkLaunchResources(deps, user, request, log)),
    places: launchPlaces(deps, user, client, log),
  };
}

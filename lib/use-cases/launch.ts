/**
 * POST /notebooks/servers (docs/spec.md 4.1): name, idempotency, resources, username limit,
 * the concurrent existence checks, the manifest, creation without leftovers, then the ledger and
 * the autosave clean-up. Calls made (registered caller, static options, nothing missing):
 *   Kubernetes: GET the session (and its pod), POST it (AmaltheaSession: its Secrets first), then
 *     GET (+ POST or PUT) the ledger ConfigMap;
 *   GitLab: project, then branch and commit in parallel, the caller's profile alongside, then the
 *     autosave branch list (+ a merge base and a delete per own autosave);
 *   registry: the image (manifest, plus the config blob for its working directory), started as soon
 *     as the project resolves (an explicit image: at once).
 */
import type { User } from "../auth/user.js";
import type { NotebookResponse } from "../backends/port.js";
import type { Deps } from "../deps.js";
import { cannotStartServerError } from "../errors.js";
import type { Logger } from "../log.js";
import { assertSafeUsernameLength, ownsSession, serverName } from "../sessions/index.js";
import { afterLaunch } from "./after-launch.js";
import { type LaunchBody, toLaunchRequest } from "./launch-body.js";
import { checkLaunchResources } from "./launch-checks.js";
import { launchResources } from "./launch-resources.js";

export interface LaunchOutcome {
  status: 200 | 201;
  server: NotebookResponse;
}

export type LaunchDeps = Pick<
  Deps,
  "config" | "sessions" | "gitlab" | "registry" | "resources" | "ledger" | "now"
>;

export async function launchSession(
  deps: LaunchDeps,
  user: User,
  body: LaunchBody,
  log: Logger,
): Promise<LaunchOutcome> {
  const { config } = deps;
  const request = toLaunchRequest(body);
  const name = serverName(
    user.safeUsername,
    request.namespace,
    request.project,
    request.branch,
    request.commitSha,
  );

  // Idempotency: the caller's session of that name is the answer, whatever the body says.
  const backend = deps.sessions;
  const existing = await backend.get(name);
  if (existing) {
    if (!ownsSession(backend.owner(existing), user)) {
      log.warn({ server: name }, "a foreign session holds this session name");
      throw cannotStartServerError(name);
    }
    return { status: 200, server: backend.serialize(existing, deps.now()) };
  }

  const resources = await launchResources(deps, user, body);
  assertSafeUsernameLength(user.safeUsername);
  const checked = await checkLaunchResources(deps, user, request, log);

  // Throws 422 code 1004 when a variable redefines a built-in one: before anything is created.
  const created = await backend.create(
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

  let response: NotebookResponse;
  try {
    response = backend.serialize(created.session, deps.now());
  } catch (err) {
    await created.discard();
    throw cannotStartServerError(name, { cause: err });
  }
  if (created.status === 200) return { status: 200, server: response };

  const after = await afterLaunch(deps, {
    user,
    project: checked.project,
    commit: checked.commit.id,
    log,
  });
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

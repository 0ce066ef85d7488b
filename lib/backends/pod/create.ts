/**
 * Step 7 of the launch: create the session's custom resource (either kind), with nothing half-made. Each manifest carries a
 * launch id; when the create fails or what follows it fails, the object is looked up and removed
 * only if it is this launch's own (a concurrent identical POST's session is left alone), and the
 * caller gets 500 code 3002. A 409 is a concurrent identical POST that won: its session is the
 * answer (200) when it is the caller's.
 */
import { randomUUID } from "node:crypto";
import type { User } from "../../auth/user.js";
import { cannotStartServerError, describeError, sessionNameTakenError } from "../../errors.js";
import type { KubeObject, NamespaceClient } from "../../k8s/namespace-client.js";
import type { Logger } from "../../obs/log.js";
import type { Created as PortCreated, Session } from "../port.js";
import { isOwnedBy } from "./ownership.js";
import type { CustomResourceMeta } from "./types.js";

/** What creation reads of a resource. */
type Labelled = KubeObject & {
  metadata: Pick<CustomResourceMeta, "labels" | "annotations">;
};

/** Internal bookkeeping, not one of the API's annotations (serialisation leaves it out). */
export const LAUNCH_ID_ANNOTATION = "renku.io/launch-id";

export const newLaunchId = (): string => randomUUID();

export function withLaunchId<S extends Labelled>(manifest: S, launchId: string): S {
  return {
    ...manifest,
    metadata: {
      ...manifest.metadata,
      annotations: { ...manifest.metadata.annotations, [LAUNCH_ID_ANNOTATION]: launchId },
    },
  };
}

export type Created<S> =
  | { status: 201; server: S }
  /** A concurrent identical POST created it first. */
  | { status: 200; server: S };

type Repo<S extends Labelled> = Pick<NamespaceClient<S>, "create" | "get" | "delete">;

/** Removes this launch's resource if it exists; never throws (a failure is logged loudly). */
export async function removeOwnLaunch<S extends Labelled>(
  repo: Repo<S>,
  name: string,
  launchId: string,
  log: Logger,
): Promise<"removed" | "absent" | "not-ours" | "failed"> {
  try {
    const found = await repo.get(name);
    if (!found) return "absent";
    if (found.metadata.annotations?.[LAUNCH_ID_ANNOTATION] !== launchId) return "not-ours";
    await repo.delete(name, { forced: true });
    log.info({ server: name }, "removed the session resource of a failed launch");
    return "removed";
  } catch (err) {
    log.error(
      { server: name, err: err instanceof Error ? err.message : String(err) },
      "could not remove the session resource of a failed launch",
    );
    return "failed";
  }
}

/**
 * A creation as the backend port answers it: the session (as the backend wraps its resource), and
 * how to remove it again when what follows fails; only this launch's own creation is removed.
 */
export function launched<S extends Labelled>(
  repo: Repo<S>,
  created: Created<S>,
  launch: { name: string; launchId: string },
  wrap: (resource: S) => Session,
  log: Logger,
): PortCreated {
  return {
    status: created.status,
    session: wrap(created.server),
    discard: async () => {
      if (created.status === 201) await removeOwnLaunch(repo, launch.name, launch.launchId, log);
    },
  };
}

export async function createSession<S extends Labelled>(
  repo: Repo<S>,
  manifest: S,
  launchId: string,
  user: Pick<User, "safeUsername" | "id" | "kind">,
  log: Logger,
): Promise<Created<S>> {
  const name = manifest.metadata.name;
  let result: Awaited<ReturnType<Repo<S>["create"]>>;
  try {
    result = await repo.create(manifest);
  } catch (err) {
    // The request may have reached the cluster even though no answer came back.
    const cleanup = await removeOwnLaunch(repo, name, launchId, log);
    log.error(
      { server: name, cleanup, err: describeError(err) },
      "creating the session resource failed",
    );
    throw cannotStartServerError(name, { cause: err });
  }
  if (result.created) return { status: 201, server: result.server };
  const existing = result.existing;
  if (existing && isOwnedBy(existing, user)) return { status: 200, server: existing };
  // Gone again already, or (a name collision) someone else's: never show it. A collision is a
  // 409 the launch answers by trying its other name (docs/spec.md 3.1).
  log.warn(
    { server: name, reason: existing ? "foreign" : "vanished" },
    "the session resource existed already but cannot be returned",
  );
  throw existing ? sessionNameTakenError(name) : cannotStartServerError(name);
}

/**
 * Creates a session through the configured backend exactly as POST builds it (from the caller, a
 * seeded project and the registry's commit image), without POST's checks, for tests of the
 * endpoints that act on existing sessions. A fault of the simulator is scripted through the image
 * name (docs/local-cluster.md), which both simulators read; `mutate` and `annotations` script a
 * JupyterServer the service would not build.
 */

import type { Deps } from "../../../lib/adapters/deps.js";
import { authenticate } from "../../../lib/auth/authenticate.js";
import type { User } from "../../../lib/auth/user.js";
import { buildAmaltheaSession } from "../../../lib/backends/amaltheasession/manifest.js";
import { buildManifest } from "../../../lib/backends/jupyterserver/manifest.js";
import type { JupyterServer } from "../../../lib/backends/jupyterserver/types.js";
import { createSession, newLaunchId } from "../../../lib/backends/pod/create.js";
import type { LaunchInput } from "../../../lib/backends/port.js";
import { sessionNames } from "../../../lib/sessions/index.js";
import { amaltheaSessions } from "../../helpers/backends.js";
import type { SessionStack } from "../../helpers/stack.js";

export const HELLO = {
  id: 1001,
  path: "renku-demo/hello-world",
  master: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
  feature: "4800fe13623630e5d59a42b4d28079714ace0edc",
};
export const CLIMATE = {
  id: 1003,
  path: "renku-demo/analysis/climate-model",
  main: "7d9d32a883c845e52067fa681ad8f3c38acbddcd",
};

export const userOf = (deps: Deps, headers: Record<string, string>): Promise<User> =>
  authenticate(headers, {
    anonymousEnabled: deps.config.anonymous_sessions_enabled,
    verifyIdToken: deps.verifyIdToken,
  });

export interface LaunchOptions {
  headers: Record<string, string>;
  project?: { id: number; path: string };
  branch?: string;
  commitSha?: string;
  /** Scripted fault of the simulated Amalthea (docs/local-cluster.md). */
  fault?: string;
  image?: string;
  /** Resource class id recorded on the session (annotation). */
  resourceClassId?: number;
  /** The PriorityClass the session's pod names (none by default). */
  priorityClass?: string;
  /** A private GitLab-registry image: the session gets a pull secret with the user's token. */
  privateImage?: boolean;
  /** Changes the manifest before it is created (a session the service would not build). */
  mutate?: (manifest: JupyterServer) => void;
  /** Extra annotations on the JupyterServer (e.g. the simulated git state). */
  annotations?: Record<string, string>;
  /** Changes the git sidecar container, under either backend (a hook the service would not build). */
  sidecar?: (c: SidecarContainer) => void;
}

export interface SidecarContainer {
  name?: string;
  lifecycle?: unknown;
  env?: { name: string; value?: string }[];
}

/** The git sidecar in a JupyterServer's patches. */
function jupyterServerSidecar(m: JupyterServer): SidecarContainer | undefined {
  for (const p of m.spec.patches ?? [])
    for (const op of (Array.isArray(p.patch) ? p.patch : []) as { value?: SidecarContainer }[])
      if (op.value?.name === "git-sidecar" && op.value.env) return op.value;
  return undefined;
}

export async function launch(
  stack: SessionStack,
  opts: LaunchOptions,
): Promise<{ metadata: { name: string; annotations?: Record<string, string | null> } }> {
  const { deps } = stack;
  const user = await userOf(deps, opts.headers);
  const project = opts.project ?? HELLO;
  const branch = opts.branch ?? "master";
  const commitSha = opts.commitSha ?? HELLO.master;
  const segments = project.path.split("/");
  const slug = segments.pop() ?? "";
  const namespace = segments.join("/");
  // The name POST would give it first (docs/spec.md 3.1).
  const [name] = sessionNames(user, { namespace, project: slug, branch, commitSha }).create;
  const image =
    opts.image ??
    (opts.fault
      ? `${stack.registryHost}/faults/${opts.fault}:1`
      : `${stack.registryHost}/${project.path}:${commitSha.slice(0, 7)}`);
  const input: LaunchInput = {
    config: deps.config,
    user,
    gitlabUser: user.kind === "registered" ? { email: user.email, name: user.fullName } : undefined,
    name,
    request: {
      namespace,
      project: slug,
      branch,
      commitSha,
      requestedImage: null,
      environmentVariables: {},
    },
    project: {
      id: project.id,
      path_with_namespace: project.path,
      path: slug,
      http_url_to_repo: `${deps.config.git.url}/${project.path}.git`,
      web_url: `${deps.config.git.url}/${project.path}`,
      visibility: "public",
      accessLevel: 40,
    },
    image: {
      image,
      private: opts.privateImage ?? false,
      workdir: "/home/jovyan/work",
      usedDefault: false,
    },
    resources: {
      cpu: 0.5,
      memory: 1_000_000_000,
      storage: 1_000_000_000,
      gpu: 0,
      defaultUrl: "/lab",
      lfsAutoFetch: false,
      priorityClass: opts.priorityClass ?? null,
      resourceClassId: opts.resourceClassId ?? null,
    },
  };
  const editSidecar = opts.sidecar;
  if (editSidecar && deps.config.amalthea.backend !== "jupyterserver") {
    // New sessions are AmaltheaSessions: created as the backend does, the sidecar edited first.
    const launchId = newLaunchId();
    const { session, secrets } = buildAmaltheaSession(input, launchId);
    const sidecar = session.spec.extraContainers?.find((c) => c.name === "git-sidecar");
    if (!sidecar) throw new Error("the AmaltheaSession has no git sidecar");
    editSidecar(sidecar as SidecarContainer);
    const repo = amaltheaSessions(deps);
    for (const secret of secrets) await repo.createSecret(secret);
    const result = await createSession(repo, session, launchId, user, deps.log);
    if (result.status !== 201) throw new Error(`session ${name} already exists`);
    return { metadata: { name } };
  }
  if (editSidecar) {
    const previous = opts.mutate;
    opts = {
      ...opts,
      mutate: (m) => {
        previous?.(m);
        const sidecar = jupyterServerSidecar(m);
        if (!sidecar) throw new Error("the JupyterServer has no git sidecar");
        editSidecar(sidecar);
      },
    };
  }
  if (opts.mutate || opts.annotations) {
    // A session the service would not build: written as a JupyterServer, the only kind these
    // tests (image contracts, simulated git state) script.
    const manifest = buildManifest(input);
    Object.assign(manifest.metadata.annotations, opts.annotations ?? {});
    opts.mutate?.(manifest);
    const result = await deps.k8s.create(manifest);
    if (!result.created) throw new Error(`session ${name} already exists`);
    return result.server;
  }
  const created = await deps.sessions.create(input, deps.log);
  if (created.status !== 201) throw new Error(`session ${name} already exists`);
  return { metadata: { name } };
}

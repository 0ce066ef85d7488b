/** Shared bits of the launch integration tests. */
import { main } from "../../../functions/servers/create.js";
import type { AmaltheaPatch, JupyterServer } from "../../../lib/backends/jupyterserver/types.js";
import type { JsonPatchOp } from "../../../lib/k8s/kube-client.js";
import { invoke } from "../../helpers/events.js";

export const HELLO = {
  namespace: "renku-demo",
  project: "hello-world",
  branch: "master",
  /** master's head; its commit image is seeded. */
  commit: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
} as const;

export const launch = (headers: Record<string, string>, body: unknown) =>
  invoke(main, { method: "POST", path: "/notebooks/servers", headers, body });

export const helloBody = (extra: Record<string, unknown> = {}) => ({
  namespace: HELLO.namespace,
  project: HELLO.project,
  branch: HELLO.branch,
  commit_sha: HELLO.commit,
  ...extra,
});

export const STS = "/statefulset/spec/template/spec";

/** Every JSON-patch operation of the stored manifest, in order. */
export function patchOps(js: JupyterServer): JsonPatchOp[] {
  return js.spec.patches.flatMap((p: AmaltheaPatch) =>
    Array.isArray(p.patch) ? (p.patch as JsonPatchOp[]) : [],
  );
}

export function opsAt(js: JupyterServer, path: string): JsonPatchOp[] {
  return patchOps(js).filter((op) => op.path === path);
}

type Container = { name: string; image?: string; env?: { name: string; value: string }[] };

/** The containers (or init containers) the patches add, by name. */
export function addedContainers(js: JupyterServer, kind: "containers" | "initContainers") {
  const out = new Map<string, Container>();
  for (const op of opsAt(js, `${STS}/${kind}/-`)) {
    const c = op.value as Container;
    out.set(c.name, c);
  }
  return out;
}

export function envOf(c: Container | undefined): Record<string, string> {
  return Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));
}

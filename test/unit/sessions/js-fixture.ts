/** A JupyterServer as read back from the cluster, built from the manifest with a status on top. */
import { buildManifest } from "../../../lib/backends/jupyterserver/manifest.js";
import type {
  JupyterServer,
  JupyterServerStatus,
} from "../../../lib/backends/jupyterserver/types.js";
import { anonymous, manifestInput } from "./fixtures.js";

export const CREATED = "2026-01-01T10:00:00Z";

export function storedServer(
  status: JupyterServerStatus | undefined,
  over: { anonymous?: boolean; image?: string; annotations?: Record<string, string> } = {},
): JupyterServer {
  const input = over.anonymous
    ? manifestInput({
        user: anonymous,
        gitlabUser: undefined,
        name: "anon-2dabc123-my-project-1a2b3c4d",
      })
    : manifestInput();
  const js = buildManifest(
    over.image ? { ...input, image: { ...input.image, image: over.image } } : input,
  );
  js.metadata.creationTimestamp = CREATED;
  js.metadata.uid = "uid-1";
  Object.assign(js.metadata.annotations, over.annotations ?? {});
  if (status) js.status = status;
  return js;
}

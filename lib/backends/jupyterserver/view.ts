/** A JupyterServer read into the CRD-agnostic session view (lib/sessions/view.ts). */
import type { SessionView } from "../../sessions/view.js";
import { SAFE_USERNAME_LABEL } from "./manifest.js";
import type { JupyterServer } from "./types.js";

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** What the view reads: metadata only, which an AmaltheaSession carries alike (same keys). */
export type ViewSource = {
  metadata: Pick<JupyterServer["metadata"], "name" | "labels" | "annotations">;
};

export function toSessionView(js: ViewSource): SessionView {
  const a = js.metadata.annotations ?? {};
  return {
    name: js.metadata.name,
    owner: {
      safeUsername: text(js.metadata.labels?.[SAFE_USERNAME_LABEL]),
      userId: text(a["renku.io/userId"]),
    },
    project: { namespace: text(a["renku.io/namespace"]), name: text(a["renku.io/projectName"]) },
    branch: text(a["renku.io/branch"]),
    commitSha: text(a["renku.io/commit-sha"]),
  };
}

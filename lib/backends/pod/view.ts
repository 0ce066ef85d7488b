/**
 * Either resource read into the CRD-agnostic session view (lib/sessions/view.ts): the service gives
 * both the same labels and annotations.
 */
import type { SessionView } from "../../sessions/view.js";
import { SAFE_USERNAME_LABEL, USER_KIND_LABEL } from "./launch.js";
import type { CustomResourceMeta } from "./types.js";

/** What the view reads: metadata only. */
export type ViewSource = {
  metadata: Pick<CustomResourceMeta, "name" | "labels" | "annotations">;
};

export const sessionOwner = ({ metadata }: ViewSource): SessionView["owner"] => ({
  safeUsername: metadata.labels?.[SAFE_USERNAME_LABEL],
  userId: metadata.annotations?.["renku.io/userId"],
  kind: metadata.labels?.[USER_KIND_LABEL],
});

export function toSessionView(js: ViewSource): SessionView {
  const a = js.metadata.annotations ?? {};
  return {
    name: js.metadata.name,
    owner: sessionOwner(js),
    project: { namespace: a["renku.io/namespace"], name: a["renku.io/projectName"] },
    branch: a["renku.io/branch"],
    commitSha: a["renku.io/commit-sha"],
  };
}

/** The resource (either kind) as an ownerReference names it. */
export const referenceOf = (cr: {
  apiVersion: string;
  kind: string;
  metadata: Pick<CustomResourceMeta, "name" | "uid">;
}) => ({
  apiVersion: cr.apiVersion,
  kind: cr.kind,
  name: cr.metadata.name,
  uid: cr.metadata.uid ?? "",
});

/**
 * An AmaltheaSession as renku-data-services serialises it (crs.py as_apispec; amaltheasession.md
 * 6.4): the status mapping, container counts summed over init and regular containers, resources
 * in cores and decimal GB, ids from the annotations, and absent rather than null fields
 * (exclude_none). Works on any session data-services could have made, not only ours.
 */
import type { SessionResponse } from "../../api/v2/schemas.js";
import { durationSeconds } from "../../backends/amaltheasession/duration.js";
import type { AmaltheaSession } from "../../backends/amaltheasession/types.js";
import { parseBytes, parseCpu } from "../../util/quantities.js";

export const LABELS = {
  user: "renku.io/safe-username",
  type: "renku.io/session-type",
  anonymous: "renku.io/anonymous-session",
} as const;
export const ANNOTATIONS = {
  project: "renku.io/project_id",
  launcher: "renku.io/launcher_id",
  resourceClass: "renku.io/resource_class_id",
  resourcePool: "renku.io/resource_pool_id",
  submission: "renku.io/submission_id",
} as const;

/** Python's round(): halves to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

type State = SessionResponse["status"]["state"];

function state(cr: AmaltheaSession): State {
  const s = cr.status?.state ?? "NotReady";
  if (s === "Running" || s === "Hibernated" || s === "Failed") {
    if (!cr.spec.hibernated && s === "Hibernated") return "starting";
    if (cr.spec.hibernated && s === "Running") return "hibernated";
    return s.toLowerCase() as State;
  }
  if (s === "RunningDegraded") return "running";
  if (s === "NotReady" && cr.metadata.deletionTimestamp) return "stopping";
  if (s === "Succeeded") return "succeeded";
  return "starting";
}

/** `status.url`, else rebuilt from the ingress, else the string "None" (crs.py base_url). */
function url(cr: AmaltheaSession): string {
  if (cr.status?.url) return cr.status.url;
  const ingress = cr.spec.ingress;
  if (!ingress) return "None";
  const scheme =
    ingress.tlsSecret ||
    (ingress as { useDefaultClusterTLSCert?: boolean }).useDefaultClusterTLSCert
      ? "https"
      : "http";
  let path = cr.spec.session.urlPath || "/";
  if (!path.endsWith("/")) path += "/";
  return `${scheme}://${ingress.host}${path}`;
}

function requests(cr: AmaltheaSession): SessionResponse["resources"]["requests"] {
  const req = cr.spec.session.resources?.requests;
  if (!req) return undefined;
  const out: NonNullable<SessionResponse["resources"]["requests"]> = {};
  const get = (k: string) => (req as Record<string, string | number | undefined>)[k];
  const cpu = get("cpu");
  if (cpu !== undefined) out.cpu = parseCpu(cpu);
  const memory = get("memory");
  if (memory !== undefined) out.memory = roundHalfEven(parseBytes(memory) / 1e9);
  const gpu = get("gpu");
  if (gpu !== undefined) out.gpu = roundHalfEven(Number(gpu));
  const size = cr.spec.session.storage?.size;
  if (size !== undefined) out.storage = roundHalfEven(parseBytes(size) / 1e9);
  return out;
}

/** UTC with a Z and no fractions, as the CR's own timestamps are written. */
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

export function toSessionResponse(cr: AmaltheaSession): SessionResponse {
  const status = cr.status ?? {};
  const annotations = cr.metadata.annotations ?? {};
  const labels = cr.metadata.labels ?? {};
  const counts = [status.initContainerCounts, status.containerCounts];
  const ready = counts.reduce((n, c) => n + (c?.ready ?? 0), 0);
  const total = counts.reduce((n, c) => n + (c?.total ?? 0), 0);
  const st = state(cr);
  const sessionStatus: SessionResponse["status"] = {
    state: st,
    ready_containers: ready,
    total_containers: total,
  };
  if (status.error) sessionStatus.message = status.error;
  if (status.willHibernateAt) sessionStatus.will_hibernate_at = status.willHibernateAt;
  const maxHibernated = durationSeconds(cr.spec.culling?.maxHibernatedDuration);
  if (status.state === "Hibernated" && status.hibernatedSince && maxHibernated) {
    const at = new Date(Date.parse(status.hibernatedSince) + maxHibernated * 1000);
    sessionStatus.will_delete_at = iso(at);
  }
  const nonInteractive =
    labels[LABELS.type] === "non_interactive" || labels[LABELS.type] === "non-interactive";
  const session = cr.spec.session as { command?: string[]; args?: string[] };
  let commandArgs = [...(session.command ?? []), ...(session.args ?? [])];
  if (nonInteractive && commandArgs[0] === "/cnb/lifecycle/launcher")
    commandArgs = [...(session.args ?? [])];
  const reqs = requests(cr);
  const response: SessionResponse = {
    image: cr.spec.session.image,
    name: cr.metadata.name,
    resources: reqs ? { requests: reqs } : {},
    started: (cr.metadata as { creationTimestamp?: string }).creationTimestamp ?? "",
    status: sessionStatus,
    url: url(cr),
    project_id: annotations[ANNOTATIONS.project] ?? "",
    launcher_id: annotations[ANNOTATIONS.launcher] ?? "",
    resource_class_id: Number(annotations[ANNOTATIONS.resourceClass] ?? 0),
    session_type: nonInteractive ? "non-interactive" : "interactive",
    command_args: commandArgs,
  };
  if (cr.spec.culling?.lastInteraction) response.lastInteraction = cr.spec.culling.lastInteraction;
  if (nonInteractive && status.idleSince) response.job_completed_at = status.idleSince;
  const submission = annotations[ANNOTATIONS.submission];
  if (submission) response.submission_id = submission;
  return response;
}

/** Only sessions data-services could serialise: the three annotations it requires. */
export const isRenkuV2Session = (cr: AmaltheaSession) => {
  const a = cr.metadata.annotations ?? {};
  return Boolean(
    a[ANNOTATIONS.project] && a[ANNOTATIONS.launcher] && a[ANNOTATIONS.resourceClass] !== undefined,
  );
};

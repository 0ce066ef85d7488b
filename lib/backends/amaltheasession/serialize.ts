/** NotebookResponse (section 5.3) of an AmaltheaSession: the same answer as for a JupyterServer. */
import type { Config } from "../../config/schema.js";
import { sessionUrl } from "../../sessions/url.js";
import { podName } from "../pod/ownership.js";
import {
  type NotebookResponse,
  publicAnnotations,
  pythonIsoUtc,
  resourceRequests,
} from "../pod/serialize.js";
import { isAnonymousSession } from "../pod/status.js";
import { sessionStatus } from "./status.js";
import type { AmsView } from "./types.js";

/** The session's URL, built from the ingress as for a JupyterServer; anonymous ones carry their token. */
export function amsUrl(view: AmsView, config: Config): string {
  const { cr } = view;
  const ingress = cr.spec.ingress;
  const path = cr.spec.session.urlPath ?? ingress?.pathPrefix ?? "/";
  const base = ingress
    ? sessionUrl(config.sessions.ingress.scheme, ingress.host, path)
    : (cr.status?.url ?? "");
  const token = isAnonymousSession(cr) ? cr.metadata.annotations?.["renku.io/userId"] : undefined;
  return token ? `${base}?token=${encodeURIComponent(token)}` : base;
}

export function serializeSession(view: AmsView, config: Config, now: Date): NotebookResponse {
  const { cr, pod } = view;
  const session = cr.spec.session;
  return {
    name: cr.metadata.name,
    annotations: publicAnnotations(
      cr.metadata.name,
      cr.metadata.annotations ?? {},
      session.image === config.sessions.default_image,
    ),
    // A running session read without its pod has the pod Amalthea names for it.
    state: {
      pod_name:
        pod?.metadata?.name ??
        (view.podSkipped && cr.status?.state === "Running" ? podName(cr.metadata.name) : null),
    },
    started: pythonIsoUtc(cr.metadata.creationTimestamp),
    status: sessionStatus(view, config, now),
    url: amsUrl(view, config),
    // Amalthea reports no resource usage.
    resources: {
      requests: resourceRequests(session.resources?.requests ?? {}, session.storage?.size),
      usage: {},
    },
    image: session.image,
  };
}

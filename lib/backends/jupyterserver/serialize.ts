/** NotebookResponse (section 5.3): how a JupyterServer is shown to its owner. */
import type { Config } from "../../config/schema.js";
import { sessionUrl } from "../../sessions/url.js";
import { formatGigabytes } from "../../util/quantities.js";
import {
  type NotebookResponse,
  publicAnnotations,
  pythonIsoUtc,
  resourceRequests,
} from "../pod/serialize.js";
import type { StatusWarning } from "../pod/status.js";
import { serverStatus } from "./server-status.js";
import type { JupyterServer } from "./types.js";

export function usingDefaultImage(js: JupyterServer, config: Config): boolean {
  return js.spec?.jupyterServer?.image === config.sessions.default_image;
}

/** The session's URL; anonymous sessions carry their Jupyter token. */
export function serverUrl(js: JupyterServer, config: Config): string {
  const routing = js.spec.routing;
  const base = sessionUrl(config.sessions.ingress.scheme, routing.host, routing.path ?? "/");
  const token = js.spec.auth?.token;
  return token ? `${base}?token=${encodeURIComponent(token)}` : base;
}

function requests(js: JupyterServer): Record<string, string | number> {
  return resourceRequests(js.spec.jupyterServer?.resources?.requests ?? {}, js.spec.storage?.size);
}

function usage(js: JupyterServer): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const u = js.status?.mainPod?.resourceUsage;
  if (typeof u?.cpuMillicores === "number") out.cpu = u.cpuMillicores / 1000;
  if (typeof u?.memoryBytes === "number") out.memory = formatGigabytes(u.memoryBytes);
  if (typeof u?.disk?.usedBytes === "number") out.storage = formatGigabytes(u.disk.usedBytes);
  return out;
}

export function serializeServer(
  js: JupyterServer,
  config: Config,
  now: Date,
  refusal?: StatusWarning,
): NotebookResponse {
  const annotations = publicAnnotations(
    js.metadata.name,
    js.metadata.annotations ?? {},
    usingDefaultImage(js, config),
  );
  return {
    name: js.metadata.name,
    annotations,
    state: { pod_name: js.status?.mainPod?.name ?? null },
    started: pythonIsoUtc(js.metadata.creationTimestamp),
    status: serverStatus(js, config, now, refusal),
    url: serverUrl(js, config),
    resources: { requests: requests(js), usage: usage(js) },
    image: js.spec.jupyterServer.image,
  };
}

/** GET /servers: `{"servers": {name: session}}`. */
export function serializeServers(
  servers: readonly JupyterServer[],
  config: Config,
  now: Date,
): { servers: Record<string, NotebookResponse> } {
  const out: Record<string, NotebookResponse> = {};
  for (const js of servers) out[js.metadata.name] = serializeServer(js, config, now);
  return { servers: out };
}

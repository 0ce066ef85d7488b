/** NotebookResponse (section 5.3): how a JupyterServer is shown to its owner. */
import type { z } from "zod";
import type { notebookResponse } from "../../api/schemas.js";
import type { Config } from "../../config.js";
import { programmingError } from "../../errors.js";
import { bytesFromQuantity, cpuFromQuantity, formatGigabytes } from "../../sessions/quantities.js";
import { sessionUrl } from "../../sessions/url.js";
import { serverStatus } from "../pod/status.js";
import { ANNOTATION_KEYS } from "./manifest.js";
import type { JupyterServer, ResourceList } from "./types.js";

/** The response schema's type: the compiler checks the serialisation against the published schema. */
export type NotebookResponse = z.output<ReturnType<typeof notebookResponse>>;

const REQUIRED = [
  "renku.io/namespace",
  "renku.io/projectName",
  "renku.io/branch",
  "renku.io/commit-sha",
  "renku.io/repository",
];

/** Python's isoformat of an aware UTC datetime: no fraction when whole seconds, "+00:00". */
export function pythonIsoUtc(value: string | Date | undefined | null): string | null {
  if (!value) return null;
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  const iso = d.toISOString();
  const ms = d.getUTCMilliseconds();
  return `${iso.slice(0, 19)}${ms === 0 ? "" : `.${String(ms).padStart(3, "0")}000`}+00:00`;
}

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

/** `resources.requests` of the answer: CPU cores, memory and storage in GB, GPUs. */
export function resourceRequests(
  req: ResourceList,
  size: string | number | undefined,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const cpu = cpuFromQuantity(req.cpu);
  if (cpu !== undefined) out.cpu = cpu;
  const memory = bytesFromQuantity(req.memory);
  if (memory !== undefined) out.memory = formatGigabytes(memory);
  const storage = size === "" ? undefined : bytesFromQuantity(size);
  if (storage !== undefined) out.storage = formatGigabytes(storage);
  const gpu = Number(req["nvidia.com/gpu"] ?? 0);
  if (Number.isInteger(gpu) && gpu > 0) out.gpu = gpu;
  return out;
}

function usage(js: JupyterServer): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const u = js.status?.mainPod?.resourceUsage;
  if (typeof u?.cpuMillicores === "number") out.cpu = u.cpuMillicores / 1000;
  if (typeof u?.memoryBytes === "number") out.memory = formatGigabytes(u.memoryBytes);
  if (typeof u?.disk?.usedBytes === "number") out.storage = formatGigabytes(u.disk.usedBytes);
  return out;
}

/** The service's own annotations of a session; a session lacking the required ones is a bug. */
export function publicAnnotations(
  name: string,
  source: Record<string, string | null>,
  defaultImageUsed: boolean,
): Record<string, string | null> {
  const missing = REQUIRED.filter((k) => typeof source[k] !== "string");
  if (missing.length > 0) {
    throw programmingError({
      cause: new Error(`Session ${name} lacks annotations ${missing.join(", ")}`),
    });
  }
  const annotations: Record<string, string | null> = {};
  for (const key of ANNOTATION_KEYS) if (key in source) annotations[key] = source[key] ?? null;
  annotations["renku.io/default_image_used"] = defaultImageUsed ? "True" : "False";
  return annotations;
}

export function serializeServer(js: JupyterServer, config: Config, now: Date): NotebookResponse {
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
    status: serverStatus(js, config, now),
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

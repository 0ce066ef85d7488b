/** What the serialisation of either resource shares (NotebookResponse, section 5.3). */
import type { z } from "zod";
import type { notebookResponse } from "../../api/responses.js";
import { programmingError } from "../../errors.js";
import { bytesFromQuantity, cpuFromQuantity, formatGigabytes } from "../../util/quantities.js";
import { ANNOTATION_KEYS } from "./launch.js";
import type { ResourceList } from "./types.js";

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

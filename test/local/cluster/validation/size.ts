/** The size limits kube-apiserver's validation puts on objects: data maps and annotations. */
import type { StatusCause } from "../status.js";
import { tooLong } from "./field.js";

export const MAX_DATA_SIZE = 1024 * 1024;
export const MAX_ANNOTATIONS_SIZE = 256 * 1024;

type Obj = Record<string, unknown>;
const entries = (v: unknown): Array<[string, unknown]> =>
  v !== null && typeof v === "object" ? Object.entries(v as Obj) : [];
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

export function annotationsCauses(meta: Obj): StatusCause[] {
  let total = 0;
  for (const [k, v] of entries(meta.annotations)) total += bytes(k) + bytes(String(v));
  return total > MAX_ANNOTATIONS_SIZE
    ? [tooLong("metadata.annotations", MAX_ANNOTATIONS_SIZE)]
    : [];
}

/** Secret: keys plus decoded values of `data` and `stringData` (merged into data on write). */
export function secretCauses(obj: Obj): StatusCause[] {
  let total = 0;
  for (const [k, v] of entries(obj.data))
    total += bytes(k) + Buffer.from(String(v), "base64").length;
  for (const [k, v] of entries(obj.stringData)) total += bytes(k) + bytes(String(v));
  return total > MAX_DATA_SIZE ? [tooLong("data", MAX_DATA_SIZE)] : [];
}

/** ConfigMap: keys and values of `data` and `binaryData`; kube-apiserver names no field ("[]"). */
export function configMapCauses(obj: Obj): StatusCause[] {
  let total = 0;
  for (const [k, v] of entries(obj.data)) total += bytes(k) + bytes(String(v));
  for (const [k, v] of entries(obj.binaryData))
    total += bytes(k) + Buffer.from(String(v), "base64").length;
  return total > MAX_DATA_SIZE ? [tooLong("[]", MAX_DATA_SIZE)] : [];
}

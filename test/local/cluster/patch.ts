/** The three PATCH flavours kube-apiserver accepts: JSON merge patch, JSON patch, strategic merge. */
import jsonpatch, { type Operation } from "fast-json-patch";
import { badRequest, patchRejected, unsupportedMediaType } from "./status.js";

export const MERGE_PATCH = "application/merge-patch+json";
export const JSON_PATCH = "application/json-patch+json";
export const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
const APPLY_PATCH = "application/apply-patch+yaml";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** RFC 7386: objects merge, null deletes, everything else (arrays included) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Describes a JSON patch failure the way evanphx/json-patch (used by apiserver) does. */
function describeJsonPatchError(err: unknown): string {
  if (err instanceof jsonpatch.JsonPatchError) {
    const op = err.operation as Operation | undefined;
    const path = op?.path ?? "";
    switch (err.name) {
      case "TEST_OPERATION_FAILED":
        return `testing value ${path} failed: test failed`;
      case "OPERATION_PATH_UNRESOLVABLE":
        return `${op?.op ?? "replace"} operation does not apply: doc is missing path: "${path}": missing value`;
      case "OPERATION_FROM_UNRESOLVABLE":
        return `${op?.op} operation does not apply: doc is missing from path: "${(op as { from?: string }).from}": missing value`;
      case "OPERATION_VALUE_OUT_OF_BOUNDS":
        return `add operation does not apply: doc is missing path: "${path}": missing value`;
      default:
        return `${err.name}: ${err.message.split("\n")[0]}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

/** Applies RFC 6902 operations; a malformed patch is 400, an inapplicable one 422. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch))
    throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  const ops = patch as Operation[];
  // Without a document, validate() checks only the shape of each operation.
  const bad = jsonpatch.validate(ops);
  if (bad) throw badRequest(describeJsonPatchError(bad));
  try {
    return jsonpatch.applyPatch(structuredClone(doc), ops, true, true).newDocument;
  } catch (err) {
    throw patchRejected(describeJsonPatchError(err));
  }
}

/** Lists of objects that strategic merge patch merges by a key (the built-in kinds' patchMergeKey). */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  ports: "containerPort",
  tolerations: "key",
  hostAliases: "ip",
  conditions: "type",
  ownerReferences: "uid",
  finalizers: "",
};

/** Strategic merge: like merge patch, but known lists of objects merge element-wise by key. */
export function strategicMergePatch(target: unknown, patch: unknown, field = ""): unknown {
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (key === undefined || !Array.isArray(target)) return structuredClone(patch);
    if (key === "") return [...new Set([...(target as unknown[]), ...patch])]; // set-like primitive list
    const out = (target as unknown[]).map((x) => structuredClone(x));
    for (const item of patch) {
      if (!isObj(item)) continue;
      const idx = out.findIndex((x) => isObj(x) && x[key] === item[key]);
      if (item.$patch === "delete") {
        if (idx >= 0) out.splice(idx, 1);
        continue;
      }
      if (idx >= 0) out[idx] = strategicMergePatch(out[idx], item);
      else out.push(strategicMergePatch(undefined, item));
    }
    return out;
  }
  if (!isObj(patch)) return structuredClone(patch);
  if (patch.$patch === "replace") {
    const { $patch: _drop, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === "delete") return undefined;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$")) continue; // $retainKeys, $setElementOrder/...: directives we accept and ignore
    if (v === null) delete out[k];
    else {
      const merged = strategicMergePatch(out[k], v, k);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  return out;
}

export function acceptedPatchTypes(custom: boolean): string[] {
  return custom
    ? [JSON_PATCH, MERGE_PATCH, APPLY_PATCH]
    : [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];
}

/** Applies `body` to `current` according to the request's Content-Type. */
export function applyPatch(
  current: unknown,
  body: unknown,
  contentType: string,
  custom: boolean,
): unknown {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === MERGE_PATCH) {
    if (!isObj(body))
      throw badRequest(
        "json: cannot unmarshal array into Go value of type map[string]interface {}",
      );
    return mergePatch(current, body);
  }
  if (type === JSON_PATCH) return applyJsonPatch(current, body);
  if (type === STRATEGIC_MERGE_PATCH && !custom) {
    if (!isObj(body))
      throw badRequest(
        "json: cannot unmarshal array into Go value of type map[string]interface {}",
      );
    return strategicMergePatch(current, body);
  }
  throw unsupportedMediaType(acceptedPatchTypes(custom));
}

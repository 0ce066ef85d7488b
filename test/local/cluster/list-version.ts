/**
 * A list's `resourceVersion` and `resourceVersionMatch`, as kube-apiserver reads them: unset is the
 * latest (a consistent read); "0" is any version, served from the watch cache (here the store,
 * which the cache never lags); NotOlderThan (also a bare version) needs at least that version;
 * Exact needs that very one, which only the latest is, the store keeping no history (410 for an
 * older one, as after a compaction).
 */
import { badRequest, gone, tooLargeResourceVersion } from "./status.js";

export type ListVersion = "latest" | "any";

export function listVersion(q: URLSearchParams, current: string): ListVersion {
  const rv = q.get("resourceVersion") ?? "";
  const match = q.get("resourceVersionMatch") ?? "";
  if (match && !rv)
    throw badRequest(
      "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
    );
  if (match && match !== "Exact" && match !== "NotOlderThan")
    throw badRequest(
      `resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
    );
  if (!rv) return "latest";
  if (!/^\d+$/.test(rv))
    throw badRequest(`resourceVersion: Invalid value: "${rv}": must be an unsigned integer`);
  if (rv === "0") {
    if (match === "Exact")
      throw badRequest(
        'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      );
    return "any";
  }
  const asked = BigInt(rv);
  const now = BigInt(current);
  if (asked > now) throw tooLargeResourceVersion(rv, current);
  if (match === "Exact" && asked < now) throw gone();
  return "latest";
}

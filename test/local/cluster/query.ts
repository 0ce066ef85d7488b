/**
 * Boolean query parameters as kube-apiserver reads them. Two rules exist there:
 * - the option structs (ListOptions `watch`, `allowWatchBookmarks`; PodLogOptions `follow`,
 *   `previous`, `timestamps`, ...) go through apimachinery's Convert_Slice_string_To_bool: absent
 *   is false, "0" and any casing of "false" are false, every other value (even "") is true. So
 *   Go's ParseBool spellings 1, t, T, TRUE, true, True are all true;
 * - `pretty` is read with Go's strconv.ParseBool; a value it does not know is false.
 */
export function optionBool(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  if (v === null) return false;
  return !(v === "0" || v.toLowerCase() === "false");
}

const PARSE_BOOL_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);

/** Go's strconv.ParseBool, with its error read as false (as isPrettyPrint does). */
export function parseBool(v: string | null): boolean {
  return v !== null && PARSE_BOOL_TRUE.has(v);
}

/**
 * zod issues -> the reference's validation detail: "Field 'a.b' has errors: msg1 msg2".
 * Capped: a body with 184k unknown keys must not answer with megabytes (Lambda's limit is 6 MB),
 * so only the first fields, a few messages each, and a bounded total make it into the detail.
 */
import type { z } from "zod";

export const DETAIL_LIMITS = {
  /** Fields named in the detail; the rest are counted. */
  fields: 20,
  /** Messages kept per field. */
  messagesPerField: 5,
  /** Characters of a field name or a message before it is cut. */
  part: 120,
  /** Characters of the whole detail. */
  total: 4096,
} as const;

const cut = (text: string) =>
  text.length > DETAIL_LIMITS.part ? `${text.slice(0, DETAIL_LIMITS.part)}…` : text;

export function describeIssues(issues: readonly z.core.$ZodIssue[], root?: string): string {
  const byField = new Map<string, string[]>();
  let leftOut = 0;
  const add = (path: readonly PropertyKey[], message: string) => {
    const field = cut([root, ...path.map(String)].filter(Boolean).join(".") || "_schema");
    const messages = byField.get(field);
    if (messages) {
      if (messages.length < DETAIL_LIMITS.messagesPerField) messages.push(cut(message));
    } else if (byField.size < DETAIL_LIMITS.fields) byField.set(field, [cut(message)]);
    else leftOut++;
  };
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) add([...issue.path, key], "Unknown field.");
    } else if (issue.code === "invalid_key") {
      // A record key failed: say why rather than zod's generic "Invalid key in record".
      const inner = issue.issues[0]?.message ?? issue.message;
      add(issue.path, inner.endsWith(".") ? inner : `${inner}.`);
    } else if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
      add(issue.path, "Missing data for required field.");
    } else {
      add(issue.path, issue.message.endsWith(".") ? issue.message : `${issue.message}.`);
    }
  }
  let detail = "";
  for (const [field, messages] of byField) {
    const part = `Field '${field}' has errors: ${messages.join(" ")}`;
    if (detail.length + part.length + 1 > DETAIL_LIMITS.total) {
      leftOut++;
      continue;
    }
    detail = detail ? `${detail} ${part}` : part;
  }
  if (leftOut > 0) detail += ` (${leftOut} more field errors left out.)`;
  return detail.trimStart();
}

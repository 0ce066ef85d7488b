/** zod issues -> the reference's validation detail: "Field 'a.b' has errors: msg1 msg2". */
import type { z } from "zod";

export function describeIssues(issues: readonly z.core.$ZodIssue[], root?: string): string {
  const byField = new Map<string, string[]>();
  const add = (path: readonly PropertyKey[], message: string) => {
    const field = [root, ...path.map(String)].filter(Boolean).join(".") || "_schema";
    byField.set(field, [...(byField.get(field) ?? []), message]);
  };
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) add([...issue.path, key], "Unknown field.");
    } else if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
      add(issue.path, "Missing data for required field.");
    } else {
      add(issue.path, issue.message.endsWith(".") ? issue.message : `${issue.message}.`);
    }
  }
  return [...byField].map(([f, msgs]) => `Field '${f}' has errors: ${msgs.join(" ")}`).join(" ");
}

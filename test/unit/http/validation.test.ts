import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeIssues } from "../../../lib/http/validation.js";

describe("validation detail", () => {
  const schema = z.strictObject({
    a: z.string(),
    nested: z.strictObject({ n: z.number().int() }),
  });

  it("names each bad field by its dotted path", () => {
    const r = schema.safeParse({ a: 1, nested: { n: 1.5 }, extra: true });
    expect(r.success).toBe(false);
    const detail = describeIssues(r.error?.issues ?? []);
    expect(detail).toContain("Field 'a' has errors:");
    expect(detail).toContain("Field 'nested.n' has errors:");
    expect(detail).toContain("Field 'extra' has errors: Unknown field.");
  });

  it("says a missing field is missing", () => {
    const r = schema.safeParse({ nested: { n: 1 } });
    expect(describeIssues(r.error?.issues ?? [])).toBe(
      "Field 'a' has errors: Missing data for required field.",
    );
  });
});

import { describe, expect, it } from "vitest";
import { escapeName, MAX_SAFE_USERNAME } from "../../../lib/auth/escape.js";

describe("safe usernames (escapism with '-')", () => {
  it.each([
    ["john.doe", "john-2edoe"],
    ["Jane_Doe", "jane-5fdoe"],
    ["a-b", "a-2db"],
    ["1password", "1password"],
    ["42-is.the_answer", "42-2dis-2ethe-5fanswer"],
    ["José", "jos-c3-a9"],
    ["名前", "-e5-90-8d-e5-89-8d"],
    ["UPPER", "upper"],
  ])("%s -> %s", (input, expected) => {
    expect(escapeName(input)).toBe(expected);
  });

  it("only ever yields characters valid in a Kubernetes label value", () => {
    expect(escapeName("a b/c\\d@e:f😀")).toMatch(/^[a-z0-9-]+$/);
  });

  it("can exceed the 63-character label limit, which launch checks", () => {
    const long = "a.".repeat(25);
    expect(escapeName(long).length).toBeGreaterThan(MAX_SAFE_USERNAME);
    expect(escapeName("a".repeat(63)).length).toBe(MAX_SAFE_USERNAME);
  });
});

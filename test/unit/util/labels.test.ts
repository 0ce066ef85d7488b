import { describe, expect, it } from "vitest";
import { fitLabelValue } from "../../../lib/util/labels.js";

describe("fitLabelValue: the documented rule for long label values", () => {
  it.each([
    ["a valid value is kept", "abc", "abc"],
    ["63 characters are kept", "a".repeat(63), "a".repeat(63)],
    ["a SHA-256 commit is cut to 63 digits", "f".repeat(64), "f".repeat(63)],
    ["a long value whose cut ends in a dash is left out", `${"a".repeat(62)}-bbb`, undefined],
    ["an invalid short value is left out", "-abc", undefined],
    ["an empty value is kept", "", ""],
  ])("%s", (_label, value, expected) => {
    expect(fitLabelValue(value)).toBe(expected);
  });
});

/** Boolean query parameters, read as kube-apiserver reads them. */
import { describe, expect, it } from "vitest";
import { optionBool, parseBool } from "../query.js";

const q = (s: string) => new URLSearchParams(s);

describe("option booleans (watch, follow, previous, timestamps, ...)", () => {
  it("take Go ParseBool's true spellings as true", () => {
    for (const v of ["1", "t", "T", "TRUE", "true", "True"])
      expect(optionBool(q(`timestamps=${v}`), "timestamps")).toBe(true);
  });

  it("are false when absent, 0 or any casing of false; anything else is true, as in apimachinery", () => {
    expect(optionBool(q(""), "timestamps")).toBe(false);
    for (const v of ["0", "false", "False", "FALSE", "fAlSe"])
      expect(optionBool(q(`timestamps=${v}`), "timestamps")).toBe(false);
    for (const v of ["", "yes", "f"]) expect(optionBool(q(`watch=${v}`), "watch")).toBe(true);
  });
});

describe("pretty (strconv.ParseBool)", () => {
  it("is true for ParseBool's true set only", () => {
    for (const v of ["1", "t", "T", "TRUE", "true", "True"]) expect(parseBool(v)).toBe(true);
    for (const v of [null, "", "0", "f", "F", "FALSE", "false", "False", "yes"])
      expect(parseBool(v)).toBe(false);
  });
});

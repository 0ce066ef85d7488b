import { describe, expect, it } from "vitest";
import {
  bytesFromQuantity,
  formatGigabytes,
  parseBytes,
  parseCpu,
  parseGpu,
  QuantityError,
} from "../../../lib/util/quantities.js";

describe("parseCpu", () => {
  it.each([
    ["0.1", 0.1],
    ["1000m", 1],
    ["500m", 0.5],
    ["2", 2],
    [1.5, 1.5],
    [".5", 0.5],
  ])("%s -> %s", (input, cores) => {
    expect(parseCpu(input)).toBeCloseTo(cores, 10);
  });

  it.each([-1.0, "-1.0", "500g", "0.5M", "wrong", "", "."])("rejects %s", (input) => {
    expect(() => parseCpu(input)).toThrow(QuantityError);
  });
});

describe("parseBytes", () => {
  it.each([
    ["0.6", 1],
    [400.55, 401],
    ["500G", 5e11],
    ["1Gi", 2 ** 30],
    ["1kb", 1000],
    ["1K", 1000],
    ["2Mi", 2 * 1024 ** 2],
    ["1.5GB", 1.5e9],
    ["1g", 1e9],
    ["1Ti", 1024 ** 4],
    ["7", 7],
    ["3b", 3],
  ])("%s -> %s", (input, bytes) => {
    expect(parseBytes(input)).toBe(bytes);
  });

  it.each(["wrong", "-1G", -5, "1Gb2", "1 parsec", "1xi"])("rejects %s", (input) => {
    expect(() => parseBytes(input)).toThrow(QuantityError);
  });

  it("reads stored manifest quantities leniently", () => {
    expect(bytesFromQuantity("1Gi")).toBe(2 ** 30);
    expect(bytesFromQuantity("garbage")).toBeUndefined();
    expect(bytesFromQuantity(undefined)).toBeUndefined();
  });
});

describe("parseGpu", () => {
  it.each([
    [0, 0],
    [2, 2],
    ["3", 3],
  ])("%s -> %s", (input, n) => {
    expect(parseGpu(input)).toBe(n);
  });

  it.each([2.5, "3.5", -1, "-1", "x"])("rejects %s", (input) => {
    expect(() => parseGpu(input)).toThrow(QuantityError);
  });
});

describe("formatGigabytes (D10)", () => {
  it.each([
    [1e9, "1G"],
    [1.5e9, "1.50G"],
    [5e11, "500G"],
    [2 ** 30, "1.07G"],
    [0, "0G"],
    [1, "0.00G"],
  ])("%s -> %s", (bytes, text) => {
    expect(formatGigabytes(bytes)).toBe(text);
  });
});

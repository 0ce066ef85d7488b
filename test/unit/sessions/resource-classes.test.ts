import { describe, expect, it } from "vitest";
import type { ResourcePool } from "../../../lib/crc/types.js";
import { AppError } from "../../../lib/errors.js";
import {
  legacyPoolQuery,
  roundHalfEven,
  selectBestMatch,
  selectByClassId,
  selectDefault,
} from "../../../lib/sessions/resource-classes.js";
import { cls, POOLS } from "../../helpers/pools.js";

const pools = POOLS;

const opts = { defaultUrl: "/lab", lfsAutoFetch: false };

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

describe("selectByClassId", () => {
  it("uses the class's resources, its default storage, and the pool's quota as priority class", () => {
    expect(selectByClassId(pools, 3, undefined, opts)).toEqual({
      cpu: 4,
      memory: 16e9,
      storage: 2e9,
      gpu: 1,
      defaultUrl: "/lab",
      lfsAutoFetch: false,
      priorityClass: "gpu-quota",
      resourceClassId: 3,
      idleThreshold: 3600,
      hibernationThreshold: 7200,
      tolerations: ["gpu"],
      nodeAffinities: [{ key: "gpu-node", required_during_scheduling: true }],
    });
    expect(selectByClassId(pools, 2, 15, opts)).toMatchObject({
      storage: 15e9,
      priorityClass: null,
    });
  });

  it("an unknown class is 422 code 1005", () => {
    const e = errorOf(() => selectByClassId(pools, 99, undefined, opts));
    expect([e.status, e.code, e.message]).toEqual([
      422,
      1005,
      "The resource class ID 99 does not exist.",
    ]);
  });

  it("bounds storage to [1, max_storage] with the reference messages", () => {
    const low = errorOf(() => selectByClassId(pools, 2, 0, opts));
    expect([low.code, low.message]).toEqual([
      1005,
      "Storage requests have to be greater than or equal to 1GB.",
    ]);
    const high = errorOf(() => selectByClassId(pools, 2, 21, opts));
    expect([high.code, high.message]).toEqual([
      1005,
      "The requested storage surpasses the maximum value allowed.",
    ]);
    expect(selectByClassId(pools, 2, 21, opts, false).storage).toBe(21e9);
  });
});

describe("selectDefault", () => {
  it("takes the default pool's default class with the requested storage (1 GB when absent)", () => {
    expect(selectDefault(pools, undefined, opts)).toMatchObject({
      cpu: 0.5,
      memory: 1e9,
      storage: 1e9,
      resourceClassId: 1,
    });
    expect(selectDefault(pools, 5, opts).storage).toBe(5e9);
  });

  it("refuses storage above the default class's maximum with code 1000", () => {
    const e = errorOf(() => selectDefault(pools, 11, opts));
    expect([e.status, e.code, e.message]).toEqual([
      422,
      1000,
      "The requested storage amount is higher than the allowable maximum for the default resource class of 10GB.",
    ]);
  });

  it("a missing default is a 500 configuration error", () => {
    const e = errorOf(() =>
      selectDefault([{ ...pools[1], default: false } as ResourcePool], 1, opts),
    );
    expect([e.status, e.code, e.message]).toEqual([
      500,
      2001,
      "Cannot find the default resource pool/class.",
    ]);
    const noClass = errorOf(() =>
      selectDefault([{ ...pools[1], default: true } as ResourcePool], 1, opts),
    );
    expect(noClass.code).toBe(2001);
  });
});

describe("selectBestMatch (legacy serverOptions)", () => {
  const ask = (cpu: number, memGb: number, gpu: number, diskGb: number) => ({
    cpu_request: cpu,
    mem_request: memGb * 1e9,
    gpu_request: gpu,
    disk_request: diskGb * 1e9,
  });

  it("picks the smallest matching class that covers the request, with its default storage", () => {
    expect(selectBestMatch(pools, ask(0.5, 1, 0, 1), opts)).toMatchObject({
      resourceClassId: 1,
      storage: 1e9,
    });
    expect(selectBestMatch(pools, ask(0.8, 1, 0, 1), opts)).toMatchObject({
      resourceClassId: 2,
      storage: 2e9,
    });
    expect(selectBestMatch(pools, ask(1, 4, 1, 2), opts)).toMatchObject({
      resourceClassId: 3,
      storage: 2e9,
      priorityClass: "gpu-quota",
    });
  });

  it("compares disk with the default storage, not the maximum", () => {
    // Class 1 allows 10 GB but defaults to 1 GB: a 2 GB request goes to class 2.
    expect(selectBestMatch(pools, ask(0.5, 1, 0, 2), opts).resourceClassId).toBe(2);
    // Class 3 allows 100 GB but defaults to 2 GB: nothing covers 50 GB.
    expect(errorOf(() => selectBestMatch(pools, ask(1, 4, 1, 50), opts)).code).toBe(1000);
  });

  it("a later class replaces the best so far only when it is closer in every quantity", () => {
    const two = (a: Partial<ResourcePool["classes"][number]>, b: typeof a): ResourcePool[] => [
      { id: 9, name: "p", default: true, quota: null, classes: [cls(10, a), cls(11, b)] },
    ];
    // A tie keeps the first.
    expect(selectBestMatch(two({}, {}), ask(1, 1, 0, 1), opts).resourceClassId).toBe(10);
    // Closer in CPU but not in memory: the first stays.
    const mixed = two({ cpu: 2, memory: 2 }, { cpu: 1, memory: 4 });
    expect(selectBestMatch(mixed, ask(1, 1, 0, 1), opts).resourceClassId).toBe(10);
    // Closer in CPU, memory and storage but equal in GPUs: still not strictly better.
    const equalGpu = two({ cpu: 2, memory: 4, default_storage: 3 }, { cpu: 1, memory: 2 });
    expect(selectBestMatch(equalGpu, ask(1, 1, 0, 1), opts).resourceClassId).toBe(10);
    // Closer in all four: the later one wins.
    const better = two(
      { cpu: 2, memory: 4, gpu: 2, default_storage: 3 },
      { cpu: 1, memory: 2, gpu: 1 },
    );
    expect(selectBestMatch(better, ask(1, 1, 0, 1), opts).resourceClassId).toBe(11);
  });

  it("never picks classes not flagged as matching", () => {
    const e = errorOf(() => selectBestMatch(pools, ask(6, 20, 2, 10), opts));
    expect([e.status, e.code, e.message]).toEqual([
      422,
      1000,
      "Cannot find suitable server options based on your request and the available resource classes.",
    ]);
    expect(e.detail).toContain("old API");
  });
});

describe("legacyPoolQuery", () => {
  it("sends cores, and memory and disk in whole GB rounded as Python's round()", () => {
    expect(
      legacyPoolQuery({
        cpu_request: 0.5,
        mem_request: 2.5e9,
        gpu_request: 1,
        disk_request: 1.5e9,
      }),
    ).toEqual({ cpu: 0.5, memory: 2, gpu: 1, max_storage: 2 });
    expect(roundHalfEven(3.5)).toBe(4);
    expect(roundHalfEven(0.4)).toBe(0);
    expect(roundHalfEven(2.6)).toBe(3);
  });
});

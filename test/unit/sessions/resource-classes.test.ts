import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import {
  type ResourcePool,
  selectBestMatch,
  selectByClassId,
  selectDefault,
} from "../../../lib/sessions/resource-classes.js";

const cls = (id: number, over: Partial<ResourcePool["classes"][number]> = {}) => ({
  id,
  name: `class-${id}`,
  cpu: 1,
  memory: 2,
  gpu: 0,
  max_storage: 20,
  default_storage: 2,
  default: false,
  matching: true,
  ...over,
});

const pools: ResourcePool[] = [
  {
    id: 1,
    name: "public",
    default: true,
    quota: null,
    classes: [
      cls(1, { default: true, cpu: 0.5, memory: 1, max_storage: 10, default_storage: 1 }),
      cls(2),
    ],
  },
  {
    id: 2,
    name: "gpu pool",
    default: false,
    quota: { id: "gpu-quota", cpu: 10, memory: 100, gpu: 4 },
    idle_threshold: 3600,
    hibernation_threshold: 7200,
    classes: [
      cls(3, {
        cpu: 4,
        memory: 16,
        gpu: 1,
        max_storage: 100,
        tolerations: ["gpu"],
        node_affinities: [{ key: "gpu-node", required_during_scheduling: true }],
      }),
      cls(4, { cpu: 8, memory: 32, gpu: 2, max_storage: 200, matching: false }),
    ],
  },
];
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

  it("refuses storage above the default class's maximum", () => {
    const e = errorOf(() => selectDefault(pools, 11, opts));
    expect([e.status, e.message]).toEqual([
      422,
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

  it("picks the smallest matching class that covers the request", () => {
    expect(selectBestMatch(pools, ask(0.5, 1, 0, 1), opts).resourceClassId).toBe(1);
    expect(selectBestMatch(pools, ask(0.8, 1, 0, 1), opts).resourceClassId).toBe(2);
    expect(selectBestMatch(pools, ask(1, 4, 1, 50), opts)).toMatchObject({
      resourceClassId: 3,
      storage: 50e9,
    });
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

/** The pool hint only starts the usage read early: today's pools answer decides which pool counts. */
import { describe, expect, it } from "vitest";
import type { DataServices, PoolHint } from "../../../../lib/data-services/client.js";
import type { PoolUsage, ResourcePool } from "../../../../lib/data-services/schemas.js";
import { startLaunchReads } from "../../../../lib/use-cases/v2/launch-reads.js";
import { pickClass } from "../../../../lib/use-cases/v2/resources.js";

const pool = (id: number, classId: number, quota: boolean) =>
  ({
    id,
    name: `pool ${id}`,
    default: false,
    classes: [
      {
        id: classId,
        name: "c",
        cpu: 1,
        memory: 1,
        gpu: 0,
        max_storage: 10,
        default_storage: 1,
        quota_enforced: quota,
      },
    ],
  }) as unknown as ResourcePool;

const usage = (poolId: number): PoolUsage =>
  ({
    total_usage: { runtime: 0, cost: 0 },
    user_usage: { runtime: 0, cost: poolId },
    pool_limits: { pool_id: poolId, total_limit: 0, user_limit: 0 },
  }) as unknown as PoolUsage;

function fakeDs(pools: ResourcePool[], hint: PoolHint | undefined) {
  const asked: number[] = [];
  const ds = {
    launcher: async () => {
      throw new Error("not read here");
    },
    project: async () => ({ id: "p" }),
    resourcePools: async () => pools,
    resourceClass: async () => {
      throw new Error("not read here");
    },
    poolUsage: async (id: number) => {
      asked.push(id);
      return usage(id);
    },
    dataConnectorLinks: async () => [],
    sessionSecrets: async () => [],
    poolHint: () => hint,
  } as unknown as DataServices;
  return { ds, asked };
}

function reads(ds: DataServices, classId: number) {
  return startLaunchReads({
    ds,
    caller: { kind: "anonymous", id: "anon-1" } as never,
    launcher: { project_id: "p" } as never,
    classId,
    findExisting: async () => undefined,
    image: async () => ({ kind: "pullable", workdir: undefined }),
  });
}

describe("startLaunchReads", () => {
  it("uses the usage asked early when the pools answer puts the class in the hinted pool", async () => {
    const { ds, asked } = fakeDs([pool(2, 4, true)], { poolId: 2, quotaEnforced: true });
    const r = reads(ds, 4);
    const [, pools] = await r.upstream;
    expect((await r.usage(pickClass(pools, 4))).pool_limits.pool_id).toBe(2);
    expect(asked).toEqual([2]);
  });

  it("asks the pool of today's answer when the hint named another", async () => {
    const { ds, asked } = fakeDs([pool(7, 4, true)], { poolId: 2, quotaEnforced: true });
    const r = reads(ds, 4);
    const [, pools] = await r.upstream;
    expect((await r.usage(pickClass(pools, 4))).pool_limits.pool_id).toBe(7);
    expect(asked).toEqual([2, 7]);
  });

  it("asks no usage for a class without an enforced quota, hint or not", async () => {
    const { ds, asked } = fakeDs([pool(2, 4, false)], { poolId: 2, quotaEnforced: false });
    await reads(ds, 4).upstream;
    expect(asked).toEqual([]);
  });

  it("asks the usage after the pools when there is no hint yet", async () => {
    const { ds, asked } = fakeDs([pool(3, 9, true)], undefined);
    const r = reads(ds, 9);
    const [, pools] = await r.upstream;
    expect((await r.usage(pickClass(pools, 9))).pool_limits.pool_id).toBe(3);
    expect(asked).toEqual([3]);
  });
});

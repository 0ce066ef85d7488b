/**
 * Launches with the resource-pool service configured (D16a, notebooks-api.md 6.3), against its
 * local double: class ids, storage bounds, the default class, pools only some users may use,
 * legacy server options, and the service failing or hanging.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { JupyterServer } from "../../../lib/backends/jupyterserver/types.js";
import { withUpstreamTimeout } from "../../helpers/deps.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import type { CrcDouble } from "../../local/crc/index.js";
import { helloBody, launch, opsAt, STS } from "./helpers.js";

let stack: SessionStack;
let crc: CrcDouble;
const alice = registeredHeaders({ username: "alice" });
const bob = registeredHeaders({ username: "bob" });
const carol = registeredHeaders({ username: "carol" });

beforeAll(async () => {
  stack = await startSessionStack({ crc: true });
  crc = stack.crc as CrcDouble;
});
afterEach(() => {
  crc.clearFaults();
});
afterAll(async () => {
  await stack?.stop();
});

const stored = async (res: { json: unknown }) =>
  (await stack.deps.k8s.get((res.json as { name: string }).name)) as JupyterServer;
const errorOf = (json: unknown) =>
  (json as { error: { code: number; message: string; detail?: string } }).error;

describe("resource_class_id", () => {
  it("gives the class's resources, the pool's quota as priority class, and asks with the caller's token", async () => {
    const before = crc.calls.length;
    const res = await launch(alice, helloBody({ resource_class_id: 2, storage: 10 }));
    expect(res.status).toBe(201);
    expect(crc.calls.slice(before)).toEqual([
      {
        method: "GET",
        path: "/api/data/resource_pools",
        user: "alice",
        authorized: true,
        query: {},
      },
    ]);
    expect((res.json as { resources: unknown }).resources).toMatchObject({
      requests: { cpu: 1, memory: "2G", storage: "10G" },
    });
    const js = await stored(res);
    expect(js.spec.jupyterServer.resources.requests).toEqual({ cpu: 1, memory: 2_000_000_000 });
    expect(js.spec.storage.size).toBe(10_000_000_000);
    expect(js.metadata.labels["renku.io/quota"]).toBe("public-quota");
    expect(js.metadata.annotations["renku.io/resourceClassId"]).toBe("2");
    expect(opsAt(js, `${STS}/priorityClassName`).map((op) => op.value)).toEqual(["public-quota"]);
  });

  it("storage defaults to the class's default storage", async () => {
    const res = await launch(alice, helloBody({ branch: "main", resource_class_id: 2 }));
    expect(res.status).toBe(201);
    expect((await stored(res)).spec.storage.size).toBe(5_000_000_000);
  });

  it("a class of a pool the caller may use brings GPUs, tolerations, affinity and the pool's thresholds", async () => {
    const res = await launch(alice, helloBody({ branch: "feature/plots", resource_class_id: 3 }));
    expect(res.status).toBe(201);
    const js = await stored(res);
    expect(js.spec.jupyterServer.resources.requests).toEqual({
      cpu: 2,
      memory: 8_000_000_000,
      "nvidia.com/gpu": "1",
    });
    expect(js.spec.culling).toMatchObject({
      idleSecondsThreshold: 3600,
      hibernatedSecondsThreshold: 7200,
    });
    expect(opsAt(js, `${STS}/tolerations`)[0]?.value).toContainEqual({
      key: "renku.io/gpu",
      operator: "Exists",
    });
    expect(JSON.stringify(opsAt(js, `${STS}/affinity`)[0]?.value)).toContain("renku.io/gpu");
    expect(js.metadata.labels["renku.io/quota"]).toBe("gpu-quota");
  });

  it("a class in a pool the caller may not use does not exist for them (422 code 1005)", async () => {
    const res = await launch(bob, helloBody({ resource_class_id: 3 }));
    expect(res.status).toBe(422);
    expect(errorOf(res.json)).toEqual({
      code: 1005,
      message: "The resource class ID 3 does not exist.",
    });
  });

  it("an unknown class is 422 code 1005", async () => {
    const res = await launch(bob, helloBody({ resource_class_id: 99 }));
    expect(res.status).toBe(422);
    expect(errorOf(res.json).message).toBe("The resource class ID 99 does not exist.");
  });

  it("storage below 1 GB or above the class maximum is refused with the reference messages", async () => {
    const low = await launch(bob, helloBody({ resource_class_id: 1, storage: 0 }));
    expect(low.status).toBe(422);
    expect(errorOf(low.json)).toMatchObject({
      code: 1005,
      message: "Storage requests have to be greater than or equal to 1GB.",
    });
    const high = await launch(bob, helloBody({ resource_class_id: 1, storage: 11 }));
    expect(high.status).toBe(422);
    expect(errorOf(high.json)).toMatchObject({
      code: 1005,
      message: "The requested storage surpasses the maximum value allowed.",
    });
  });
});

describe("no class given", () => {
  it("the default class of the default pool; anonymous callers ask without a token", async () => {
    const before = crc.calls.length;
    const res = await launch(anonHeaders("anon-crc-1"), helloBody());
    expect(res.status).toBe(201);
    expect(crc.calls.slice(before)).toEqual([
      { method: "GET", path: "/api/data/resource_pools", authorized: false, query: {} },
    ]);
    const js = await stored(res);
    expect(js.spec.jupyterServer.resources.requests).toEqual({ cpu: 0.5, memory: 1_000_000_000 });
    expect(js.metadata.annotations["renku.io/resourceClassId"]).toBe("1");
  });

  it("storage above the default class's maximum is refused with code 1000, as the reference", async () => {
    const res = await launch(bob, helloBody({ storage: 11 }));
    expect(res.status).toBe(422);
    expect(errorOf(res.json)).toEqual({
      code: 1000,
      message:
        "The requested storage amount is higher than the allowable maximum for the default resource class of 10GB.",
    });
  });

  it("legacy server options send the request to the service and get the closest class that covers it", async () => {
    const before = crc.calls.length;
    const res = await launch(
      carol,
      helloBody({
        serverOptions: { cpu_request: 0.75, mem_request: "1.5G", disk_request: "2G" },
      }),
    );
    expect(res.status).toBe(201);
    // Whole GB as Python's round() gives them: 1.5 -> 2.
    expect(crc.calls.slice(before)).toEqual([
      {
        method: "GET",
        path: "/api/data/resource_pools",
        user: "carol",
        authorized: true,
        query: { cpu: "0.75", gpu: "0", memory: "2", max_storage: "2" },
      },
    ]);
    const js = await stored(res);
    // medium (1 CPU, 2 GB) covers it; the session gets the class's default storage.
    expect(js.metadata.annotations["renku.io/resourceClassId"]).toBe("2");
    expect(js.spec.jupyterServer.resources.requests).toEqual({ cpu: 1, memory: 2_000_000_000 });
    expect(js.spec.storage.size).toBe(5_000_000_000);
  });

  it("legacy disk is compared with the classes' default storage, not their maximum", async () => {
    // small fits the CPU and memory exactly and its maximum (10 GB) would cover 3 GB, but its
    // default storage (1 GB) does not: medium it is.
    const res = await launch(
      carol,
      helloBody({
        branch: "main",
        serverOptions: { cpu_request: 0.5, mem_request: "1G", disk_request: "3G" },
      }),
    );
    expect(res.status).toBe(201);
    expect((await stored(res)).metadata.annotations["renku.io/resourceClassId"]).toBe("2");
    // Above every default storage in carol's pools: nothing matches.
    const none = await launch(
      carol,
      helloBody({ branch: "feature/plots", serverOptions: { disk_request: "6G" } }),
    );
    expect(none.status).toBe(422);
    expect(errorOf(none.json).code).toBe(1000);
  });

  it("storage 0 with the default class is refused, as for an explicit class (issue 14)", async () => {
    const res = await launch(bob, helloBody({ storage: 0 }));
    expect(res.status).toBe(422);
    expect(errorOf(res.json)).toMatchObject({
      code: 1005,
      message: "Storage requests have to be greater than or equal to 1GB.",
    });
  });

  it("legacy server options that no matching class covers: 422 code 1000 with the old-API detail", async () => {
    const res = await launch(bob, helloBody({ serverOptions: { cpu_request: 64 } }));
    expect(res.status).toBe(422);
    const err = errorOf(res.json);
    expect(err.code).toBe(1000);
    expect(err.message).toBe(
      "Cannot find suitable server options based on your request and the available resource classes.",
    );
    expect(err.detail).toContain("old API");
  });
});

describe("the resource-pool service failing", () => {
  const unexpected =
    "The compute resource access control service sent an unexpected response, please try again later";

  it("a non-200 answer is 500 code 3000 with the reference message", async () => {
    crc.injectFault({ kind: "status", status: 500 });
    const res = await launch(bob, helloBody({ resource_class_id: 1 }));
    expect(res.status).toBe(500);
    expect(errorOf(res.json)).toMatchObject({ code: 3000, message: unexpected });
  });

  it("an unreadable answer is the same error", async () => {
    crc.injectFault({ kind: "garbage" });
    const res = await launch(bob, helloBody({ resource_class_id: 1 }));
    expect(res.status).toBe(500);
    expect(errorOf(res.json)).toMatchObject({ code: 3000, message: unexpected });
  });

  it("no answer in time is 503 code 3503, and nothing was created", async () => {
    crc.injectFault({ kind: "hang" });
    const res = await withUpstreamTimeout(stack, 3000, () =>
      launch(bob, helloBody({ resource_class_id: 1 })),
    );
    expect(res.status).toBe(503);
    expect(errorOf(res.json).code).toBe(3503);
    expect(await stack.deps.k8s.listForUser("bob")).toEqual([]);
  });
});

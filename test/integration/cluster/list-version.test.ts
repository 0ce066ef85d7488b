/**
 * A list's resourceVersion and resourceVersionMatch on the local cluster, driven through
 * @kubernetes/client-node: "0" is served (from the watch cache, which the store never lags), the
 * rules kube-apiserver applies to the pair are applied, and the answers carry the version read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Clients, failure, startWithClients } from "./clients.js";

let c: Clients;
const namespace = "renku";

beforeAll(async () => {
  c = await startWithClients({ timing: "manual" });
  await c.core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: "one", labels: { app: "x" } }, data: { a: "1" } },
  });
});
afterAll(async () => {
  await c.cluster.stop();
});

const list = (opts: { resourceVersion?: string; resourceVersionMatch?: string }) =>
  c.core.listNamespacedConfigMap({ namespace, labelSelector: "app=x", ...opts });

describe("list resourceVersion", () => {
  it('"0" (any version, the watch cache) and unset (the latest) both answer what is stored', async () => {
    const latest = await list({});
    const cached = await list({ resourceVersion: "0" });
    expect(cached.items.map((i) => i.metadata?.name)).toEqual(["one"]);
    expect(cached.metadata?.resourceVersion).toBe(latest.metadata?.resourceVersion);
    expect(c.cluster.requests.at(-1)?.query).toContain("resourceVersion=0");
  });

  it("NotOlderThan an old or the current version answers; Exact only the current one", async () => {
    const now = (await list({})).metadata?.resourceVersion as string;
    expect(
      (await list({ resourceVersion: "1", resourceVersionMatch: "NotOlderThan" })).items,
    ).toHaveLength(1);
    expect(
      (await list({ resourceVersion: now, resourceVersionMatch: "Exact" })).items,
    ).toHaveLength(1);
    const old = await failure(list({ resourceVersion: "1", resourceVersionMatch: "Exact" }));
    expect([old.code, old.status.reason]).toEqual([410, "Expired"]);
  });

  it("a version past the latest is a 504 Too large resource version", async () => {
    const now = (await list({})).metadata?.resourceVersion as string;
    const ahead = String(BigInt(now) + 1000n);
    const r = await failure(list({ resourceVersion: ahead, resourceVersionMatch: "NotOlderThan" }));
    expect([r.code, r.status.reason]).toEqual([504, "Timeout"]);
    expect(r.status.message).toBe(`Timeout: Too large resource version: ${ahead}, current: ${now}`);
  });

  it("refuses the combinations kube-apiserver refuses (400)", async () => {
    for (const bad of [
      { resourceVersionMatch: "NotOlderThan" },
      { resourceVersion: "0", resourceVersionMatch: "Exact" },
      { resourceVersion: "1", resourceVersionMatch: "Newest" },
      { resourceVersion: "abc" },
    ]) {
      const r = await failure(list(bad));
      expect([r.code, r.status.reason]).toEqual([400, "BadRequest"]);
    }
  });
});

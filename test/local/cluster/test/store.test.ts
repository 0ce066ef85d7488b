import { describe, expect, it } from "vitest";
import { RESOURCES } from "../resources.js";
import { parseLabelSelector } from "../selectors.js";
import { Store } from "../store.js";
import type { KObject, ResourceDef } from "../types.js";

const CM = RESOURCES.find((r) => r.resource === "configmaps") as ResourceDef;
const cm = (name: string, labels: Record<string, string>, namespace = "renku"): KObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace, labels, uid: name, resourceVersion: "", creationTimestamp: "" },
});
const names = (s: Store, sel: string, namespace?: string) =>
  s
    .list(CM, { labels: parseLabelSelector(sel), ...(namespace ? { namespace } : {}) })
    .items.map((o) => o.metadata.name);

describe("store", () => {
  it("keeps the label index right when labels change or objects go", () => {
    const s = new Store();
    s.put(CM, cm("a", { user: "x" }));
    s.put(CM, cm("b", { user: "x" }));
    s.put(CM, cm("a", { user: "y" }));
    expect(names(s, "user=x")).toEqual(["b"]);
    expect(names(s, "user=y")).toEqual(["a"]);
    s.remove(CM, "renku", "b");
    expect(names(s, "user=x")).toEqual([]);
  });

  it("narrows by namespace and combines the index with the other requirements", () => {
    const s = new Store();
    s.put(CM, cm("a", { user: "x", tier: "1" }));
    s.put(CM, cm("b", { user: "x", tier: "2" }));
    s.put(CM, cm("c", { user: "x", tier: "1" }, "other"));
    expect(names(s, "user=x,tier!=2", "renku")).toEqual(["a"]);
    // Ordered like etcd keys: namespace, then name.
    expect(names(s, "user in (x),tier=1")).toEqual(["c", "a"]);
  });

  it("stamps increasing resourceVersions and hands out copies", () => {
    const s = new Store();
    const first = s.put(CM, cm("a", {})).metadata.resourceVersion;
    const second = s.put(CM, cm("a", { k: "v" })).metadata.resourceVersion;
    expect(Number(second)).toBeGreaterThan(Number(first));
    const copy = s.get(CM, "renku", "a") as KObject;
    copy.metadata.name = "changed";
    expect(s.get(CM, "renku", "a")?.metadata.name).toBe("a");
  });

  it("rejects a continue token it did not issue", () => {
    const s = new Store();
    expect(() => s.list(CM, { continueToken: "garbage" })).toThrow(/continue key is not valid/);
  });
});

import { describe, expect, it } from "vitest";
import { configMapLedgerStore, LEDGER_KEY } from "../../../lib/adapters/ledger-store.js";
import { isLedgerConflict, type LedgerStore } from "../../../lib/autosave/ports.js";
import { ConflictError } from "../../../lib/k8s/api-errors.js";
import type { ConfigMapData, NamespaceClient } from "../../../lib/k8s/namespace-client.js";

/** An in-memory ConfigMap with resourceVersion semantics, standing in for the repository. */
function fakeRepo(initial?: Record<string, string>) {
  let cm: ConfigMapData | undefined = initial ? { data: initial, resourceVersion: "1" } : undefined;
  let rv = 1;
  const repo: Pick<NamespaceClient, "getConfigMap" | "putConfigMap"> = {
    getConfigMap: async () => (cm ? structuredClone(cm) : undefined),
    putConfigMap: async (name, data, version) => {
      if (version === undefined ? cm !== undefined : cm?.resourceVersion !== version) {
        throw new ConflictError(`configmap ${name}`);
      }
      cm = { data, resourceVersion: String(++rv) };
      return structuredClone(cm);
    },
  };
  return { repo, current: () => cm };
}

const entry = { projectId: 1, projectPath: "a/b", lastLaunch: "2025-01-01T00:00:00.000Z" };

describe("the ConfigMap ledger store", () => {
  it("is the LedgerStore the autosave job expects", async () => {
    const store: LedgerStore = configMapLedgerStore(fakeRepo().repo, "ledger");
    expect(await store.read()).toEqual({ entries: [], version: "" });
  });

  it("stores entries as JSON under one key and reads them back", async () => {
    const { repo, current } = fakeRepo();
    const store = configMapLedgerStore(repo, "ledger");
    await store.write([entry], "");
    expect(JSON.parse(current()?.data[LEDGER_KEY] ?? "")).toEqual([entry]);
    expect(await store.read()).toEqual({ entries: [entry], version: "2" });
  });

  it("drops malformed entries and survives hand-edited garbage", async () => {
    const bad = JSON.stringify([entry, { projectId: "x" }, null]);
    expect(
      (await configMapLedgerStore(fakeRepo({ [LEDGER_KEY]: bad }).repo, "l").read()).entries,
    ).toEqual([entry]);
    expect(
      (await configMapLedgerStore(fakeRepo({ [LEDGER_KEY]: "{not json" }).repo, "l").read())
        .entries,
    ).toEqual([]);
  });

  it("raises a conflict the autosave logic recognises when the version is stale", async () => {
    const store = configMapLedgerStore(fakeRepo({ [LEDGER_KEY]: "[]" }).repo, "ledger");
    const err = await store.write([entry], "0").catch((e: unknown) => e);
    expect(isLedgerConflict(err)).toBe(true);
    // Never leaks to a caller as anything but a retryable 3xxx.
    expect((err as ConflictError).code).toBe(3000);
  });
});

import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { firstInProcess } from "../../../lib/obs/warn-once.js";

const MODULE = new URL("../../../lib/obs/warn-once.ts", import.meta.url).href;
const TSX = import.meta.resolve("tsx/esm/api");

/** A fresh module instance in a worker thread, as serverless offline loads each function. */
const inWorker = (key: string) =>
  new Promise<boolean>((resolve, reject) => {
    const source = `
      import { parentPort, workerData } from "node:worker_threads";
      import { register } from "${TSX}";
      register();
      const { firstInProcess } = await import(workerData.module);
      parentPort.postMessage(firstInProcess(workerData.key));`;
    const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
      workerData: { module: MODULE, key },
    });
    w.once("message", (m: boolean) => {
      resolve(m);
      void w.terminate();
    });
    w.once("error", reject);
  });

describe("firstInProcess", () => {
  it("is true once per process, across worker threads", async () => {
    const key = `test-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    expect(firstInProcess(key)).toBe(true);
    expect(await inWorker(key)).toBe(false);
    expect(await inWorker(key)).toBe(false);
    expect(firstInProcess(key)).toBe(false);
  });

  it("lets the first of several worker threads warn", async () => {
    const key = `test-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const results = await Promise.all([inWorker(key), inWorker(key), inWorker(key)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

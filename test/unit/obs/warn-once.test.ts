import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("leaves no marker behind when the process ends", () => {
    const key = `test-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const source = `
      import { firstInProcess } from ${JSON.stringify(MODULE)};
      import { readdirSync } from "node:fs";
      import { tmpdir } from "node:os";
      const first = firstInProcess(${JSON.stringify(key)});
      const marked = readdirSync(tmpdir()).filter((f) => f.endsWith(${JSON.stringify(key)}));
      console.log(JSON.stringify({ first, marked, pid: process.pid }));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", source], {
        encoding: "utf8",
      }),
    ) as { first: boolean; marked: string[]; pid: number };
    expect(out.first).toBe(true);
    expect(out.marked).toHaveLength(1);
    expect(existsSync(join(tmpdir(), out.marked[0] ?? "none"))).toBe(false);
  });

  it("removes the markers of processes that ended without removing theirs (killed, or offline's)", () => {
    const ended = spawnSync(process.execPath, ["-e", "0"]).pid;
    const stale = join(tmpdir(), `renku-notebooks-${ended}-1-jwks-warning`);
    const live = join(tmpdir(), `renku-notebooks-${process.ppid}-1-live-test`);
    writeFileSync(stale, "");
    writeFileSync(live, "");
    expect(firstInProcess(`test-${Date.now()}-${Math.random().toString(36).slice(2)}`)).toBe(true);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

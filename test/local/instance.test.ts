/** npm start's instance lock (test/local/instance.ts): one live start per port, stale locks taken over. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { claimInstance, InstanceBusyError, instanceFolder, runningInstance } from "./instance.js";

const roots: string[] = [];
const root = () => {
  const dir = mkdtempSync(join(tmpdir(), "nb-instance-"));
  roots.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const info = (pid: number, port = 3000) => ({
  pid,
  startedAt: "2026-01-01T10:00:00.000Z",
  url: `http://127.0.0.1:${port}`,
  port,
  lambdaPort: port + 2,
});

/** A pid that surely belongs to no process any more. */
const deadPid = () => spawnSync("true").pid as number;

describe("npm start's instance folder", () => {
  it("refuses a second live start on the same port and names the running one", () => {
    const dir = root();
    const lock = join(instanceFolder(3000, dir), "instance.json");
    mkdirSync(instanceFolder(3000, dir), { recursive: true });
    // Held by another live process (this test's parent).
    writeFileSync(
      lock,
      JSON.stringify({ ...info(process.ppid), folder: instanceFolder(3000, dir) }),
    );
    let error: unknown;
    try {
      claimInstance(info(process.pid), dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InstanceBusyError);
    expect((error as Error).message).toContain(
      `already running on http://127.0.0.1:3000 (pid ${process.ppid}`,
    );
    expect((error as Error).message).toContain("PORT=3100 npm start");
  });

  it("takes over a lock left by a start that died, and keeps other ports apart", () => {
    const dir = root();
    mkdirSync(instanceFolder(3000, dir), { recursive: true });
    writeFileSync(
      join(instanceFolder(3000, dir), "instance.json"),
      JSON.stringify(info(deadPid())),
    );
    expect(runningInstance(3000, dir)).toBeUndefined();
    const mine = claimInstance(info(process.pid), dir);
    expect(runningInstance(3000, dir)?.pid).toBe(process.pid);
    const other = claimInstance(info(process.pid, 3100), dir);
    expect(other.folder).not.toBe(mine.folder);
    expect(existsSync(join(other.folder, "instance.json"))).toBe(true);
  });
});

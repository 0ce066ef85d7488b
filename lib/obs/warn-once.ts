/**
 * Start-up warnings once per process (one Lambda container), not once per module instance.
 * serverless offline loads every function in its own worker thread, each with its own copy of every
 * module, so a module-level flag would warn once per function (14 times). Worker threads share the
 * process id and the file system, so an exclusive marker file in the temp folder decides.
 */
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";

const PREFIX = "renku-notebooks-";
const MARKER = /^renku-notebooks-(\d+)-\d+-/;

export function firstInProcess(key: string): boolean {
  const marker = join(tmpdir(), `${PREFIX}${process.pid}-${process.ppid}-${key}`);
  try {
    writeFileSync(marker, "", { flag: "wx" });
  } catch (e) {
    // Any other failure (read-only temp folder): better a repeated warning than a lost one.
    return (e as NodeJS.ErrnoException).code !== "EEXIST";
  }
  // Markers are not to pile up in a long-lived temp folder (a developer's, CI's): the main thread
  // removes its own at exit; a killed process, or serverless offline (whose functions, in worker
  // threads, see Lambda's /tmp), leaves its own, which the next process to warn removes.
  if (isMainThread) process.once("exit", () => rmSync(marker, { force: true }));
  removeMarkersOfEndedProcesses();
  return true;
}

function removeMarkersOfEndedProcesses(): void {
  try {
    for (const name of readdirSync(tmpdir())) {
      const pid = Number(MARKER.exec(name)?.[1]);
      if (!pid || pid === process.pid || isAlive(pid)) continue;
      rmSync(join(tmpdir(), name), { force: true });
    }
  } catch {
    // An unreadable temp folder: the markers stay, nothing else depends on them.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, someone else's.
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

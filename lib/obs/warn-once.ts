/**
 * Start-up warnings once per process (one Lambda container), not once per module instance.
 * serverless offline loads every function in its own worker thread, each with its own copy of every
 * module, so a module-level flag would warn once per function (14 times). Worker threads share the
 * process id and the file system, so an exclusive marker file in the temp folder decides.
 */
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";

export function firstInProcess(key: string): boolean {
  const marker = join(tmpdir(), `renku-notebooks-${process.pid}-${process.ppid}-${key}`);
  try {
    writeFileSync(marker, "", { flag: "wx" });
    // Gone with the process, not left in a long-lived temp folder (a developer's, CI's). A worker
    // thread's exit is not the process's: serverless offline's workers leave theirs, in the
    // temp folder test/helpers/offline.ts gives it and removes.
    if (isMainThread) process.once("exit", () => rmSync(marker, { force: true }));
    return true;
  } catch (e) {
    // Any other failure (read-only temp folder): better a repeated warning than a lost one.
    return (e as NodeJS.ErrnoException).code !== "EEXIST";
  }
}

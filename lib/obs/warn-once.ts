/**
 * Start-up warnings once per process (one Lambda container), not once per module instance.
 * serverless offline loads every function in its own worker thread, each with its own copy of every
 * module, so a module-level flag would warn once per function (14 times). Worker threads share the
 * process id and the file system, so an exclusive marker file in the temp folder decides.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function firstInProcess(key: string): boolean {
  const marker = join(tmpdir(), `renku-notebooks-${process.pid}-${process.ppid}-${key}`);
  try {
    writeFileSync(marker, "", { flag: "wx" });
    return true;
  } catch (e) {
    // Any other failure (read-only temp folder): better a repeated warning than a lost one.
    return (e as NodeJS.ErrnoException).code !== "EEXIST";
  }
}

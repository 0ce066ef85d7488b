/** The machine a run happened on, for the README's table. */
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export function machineDescription(): string {
  let model = cpus()[0]?.model ?? "unknown CPU";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) model = line.split(":")[1]?.trim() ?? model;
  } catch {
    // not Linux: os.cpus() already named the model
  }
  const gb = (totalmem() / 1024 ** 3).toFixed(1);
  return `${cpus().length} CPUs (nproc), ${model}, ${gb} GB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

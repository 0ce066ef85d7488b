/** Runs the real kubectl (when installed) with a kubeconfig and a scratch home directory. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const kubectlPath = (process.env.PATH ?? "")
  .split(delimiter)
  .map((d) => join(d, "kubectl"))
  .find((p) => existsSync(p));

/** kubectl's exit code and output; `dir` holds its cache and HOME, `kubeconfig` its config. */
export async function runKubectl(dir: string, kubeconfig: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(
      kubectlPath as string,
      ["--cache-dir", join(dir, "cache"), ...args],
      { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

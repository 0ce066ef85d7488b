/**
 * One `npm start` owns one folder, .local/instance-<PORT>/: its lock (instance.json), its kubeconfig
 * and its esbuild output. A second start on the same PORT refuses and names the running one; a start
 * on another PORT (its LAMBDA_PORT follows) runs fully apart with its own stand-ins. Refusing on the
 * same port rather than picking another silently keeps the printed URLs and curls predictable.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

export interface InstanceInfo {
  pid: number;
  startedAt: string;
  url: string;
  port: number;
  lambdaPort: number;
  folder: string;
  kubeconfig?: string;
  gitUrl?: string;
  registry?: string;
}

export const DEFAULT_PORT = 3000;

export const instanceFolder = (port: number, root = process.cwd()) =>
  resolve(root, ".local", `instance-${port}`);

const infoPath = (port: number, root?: string) =>
  resolve(instanceFolder(port, root), "instance.json");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The running instance on this port, if any (a lock left by a dead process does not count). */
export function runningInstance(port: number, root?: string): InstanceInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(infoPath(port, root), "utf8")) as InstanceInfo;
    return alive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

export class InstanceBusyError extends Error {
  constructor(readonly running: InstanceInfo) {
    const since = running.startedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC");
    super(
      [
        `npm start is already running on ${running.url} (pid ${running.pid}, since ${since}; state in ${running.folder}).`,
        `Use that one, stop it (Ctrl-C in its terminal, or kill ${running.pid}), or start another one apart: PORT=${running.port + 100} npm start`,
      ].join("\n"),
    );
    this.name = "InstanceBusyError";
  }
}

/**
 * Takes this port's folder: refuses while another live start holds it; a lock left by a dead one is
 * taken over. Writes nothing before deciding, so a refused start changes nothing.
 */
export function claimInstance(info: Omit<InstanceInfo, "folder">, root?: string): InstanceInfo {
  const folder = instanceFolder(info.port, root);
  const claimed = { ...info, folder };
  mkdirSync(folder, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      // wx: of two starts racing for the same port, only one creates the lock.
      writeFileSync(infoPath(info.port, root), JSON.stringify(claimed, null, 2), { flag: "wx" });
      return claimed;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw e;
      const running = runningInstance(info.port, root);
      if (running) throw new InstanceBusyError(running);
      // Left by a start that died: its state is ours to replace.
      rmSync(infoPath(info.port, root), { force: true });
    }
  }
}

export function updateInstance(info: InstanceInfo): void {
  writeFileSync(infoPath(info.port), JSON.stringify(info, null, 2));
}

/** Removes the folder if this process still owns it. */
export function releaseInstance(info: InstanceInfo): void {
  if (runningInstance(info.port)?.pid === process.pid) {
    rmSync(info.folder, { recursive: true, force: true });
  }
}

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once("error", () => done(true));
    srv.listen(port, "127.0.0.1", () => srv.close(() => done(false)));
  });
}

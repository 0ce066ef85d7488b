/**
 * Runs the real Debian docker-registry (distribution 2.8) on 127.0.0.1 with filesystem storage in
 * a temp dir, open, behind htpasswd Basic auth, or behind bearer tokens from a token server.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export type RegistryAuth =
  | { kind: "open" }
  | { kind: "htpasswd"; users: Record<string, string> }
  | { kind: "token"; realm: string; service: string; issuer: string; rootCertPath: string };

export interface RunningRegistry {
  /** http://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port>, as it appears in image references. */
  host: string;
  port: number;
  stop(): Promise<void>;
}

const BINARY = "docker-registry";

export function findBinary(name: string): string {
  for (const dir of (process.env.PATH ?? "/usr/bin").split(delimiter)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} is not installed; the registry tests need it: apt-get install -y docker-registry apache2-utils`,
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function authSection(auth: RegistryAuth, dir: string): string {
  switch (auth.kind) {
    case "open":
      return "";
    case "htpasswd":
      return `auth:\n  htpasswd:\n    realm: local-registry\n    path: ${join(dir, "htpasswd")}\n`;
    case "token":
      return [
        "auth:",
        "  token:",
        `    realm: ${JSON.stringify(auth.realm)}`,
        `    service: ${JSON.stringify(auth.service)}`,
        `    issuer: ${JSON.stringify(auth.issuer)}`,
        `    rootcertbundle: ${JSON.stringify(auth.rootCertPath)}`,
        "",
      ].join("\n");
  }
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`docker-registry exited early: ${output()}`);
    }
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      // 200 when open, 401 behind auth: either way it is serving.
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer on ${url}: ${output()}`);
}

async function startOnce(auth: RegistryAuth, binary: string): Promise<RunningRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "nb-registry-"));
  const port = await freePort();
  if (auth.kind === "htpasswd") {
    const htpasswd = findBinary("htpasswd");
    const lines = Object.entries(auth.users).map(([user, pw]) =>
      execFileSync(htpasswd, ["-Bbn", user, pw], { encoding: "utf8" }).trim(),
    );
    await writeFile(join(dir, "htpasswd"), `${lines.join("\n")}\n`);
  }
  const config = [
    "version: 0.1",
    "log:",
    "  level: warn",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(dir, "data")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${port}`,
    `  secret: local-${port}`,
    authSection(auth, dir),
  ].join("\n");
  const configPath = join(dir, "config.yml");
  await writeFile(configPath, config);
  // A small shell keeps the registry tied to this process: when our end of its stdin closes (stop,
  // or this process dying without a teardown, e.g. a killed test run) it kills the registry, so no
  // orphan keeps a port. The shell exits with the registry's own status.
  const child = spawn(
    "/bin/sh",
    [
      "-c",
      'exec 3<&0; "$0" serve "$1" </dev/null & pid=$!; (read _ <&3; kill $pid 2>/dev/null) & wait $pid',
      binary,
      configPath,
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, host: `127.0.0.1:${port}`, port, stop };
}

/** Starts a registry; retries on a fresh port if another process took the one picked. */
export async function startRegistry(
  auth: RegistryAuth = { kind: "open" },
): Promise<RunningRegistry> {
  const binary = findBinary(BINARY);
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(auth, binary);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

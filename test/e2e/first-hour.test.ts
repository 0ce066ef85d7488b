/**
 * A newcomer's first hour (issue 17), for real: `npm start` in a temporary clone of this working
 * tree, then what the banner and the README tell a user to do. One start is shared (serverless
 * offline is slow to start): banner and its curls, the README walk-through, the API page in headless
 * Chromium, second and failed starts that must leave the first one working, and last SIGTERM to npm
 * alone, after which no process and no port may be left. A second, short start is interrupted with
 * SIGINT while it builds.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routePath } from "../../lib/api/route.js";
import { ROUTES } from "../../lib/api/routes.js";
import { freePort } from "../helpers/offline.js";

const REPO = resolve(import.meta.dirname, "../..");
/** Kept at a stable, git-ignored path so a human can look at the last run's page. */
const SCREENSHOT = join(REPO, ".artifacts", "api-docs.png");
const READY = /The notebooks service is ready on (http:\/\/127\.0\.0\.1:\d+)/;

/** The working tree as a fresh clone would have it (tracked and new files), sharing node_modules. */
function tempClone(): string {
  const dir = mkdtempSync(join(tmpdir(), "nb-first-hour-"));
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: REPO })
    .toString()
    .split("\n")
    .filter((f) => f && existsSync(join(REPO, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(REPO, f), join(dir, f));
  }
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  return dir;
}

/** A user's environment: no cluster, GitLab or NB_* settings of this machine's test run. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("NB_") || k === "KUBECONFIG" || k.startsWith("VITEST") || k === "NODE_ENV")
      continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function npmStart(cwd: string, env: Record<string, string>): Started {
  let output = "";
  // Its own session, as a terminal would give it; signals in the tests go to npm's pid alone.
  const child = spawn("npm", ["start"], {
    cwd,
    env: userEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, output: () => output, exited };
}

async function waitFor(what: string, check: () => boolean, s: Started, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (s.child.exitCode !== null)
      throw new Error(`npm start exited before ${what}:\n${s.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} after ${timeoutMs} ms:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every live descendant of a process (by parent pid, so detached children count too). */
function descendants(root: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="])
    .toString()
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number));
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, ppid] of rows) if (ppid === found[i] && pid !== undefined) found.push(pid);
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A zombie has exited; only its parent's wait is missing.
    return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
};

const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });

/** Runs a pasted command line in the clone; curl prints the status so the test can check it. */
function runLine(cwd: string, line: string): { status: number; body: string } {
  const out = execFileSync("sh", ["-c", `${line} -sS -w '\\n%{http_code}'`], {
    cwd,
    timeout: 120_000,
  }).toString();
  const lines = out.trimEnd().split("\n");
  return { status: Number(lines.pop()), body: lines.join("\n") };
}

const commandLines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^(PORT=\d+ )?(curl |npm run -s as -- \w+ curl )/.test(l));

function killTree(pids: number[]) {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

describe("npm start, as a newcomer meets it", () => {
  let clone: string;
  let first: Started;
  let port: number;
  let lambdaPort: number;
  let base: string;
  let banner: string;
  const leftovers: number[] = [];

  beforeAll(async () => {
    clone = tempClone();
    port = await freePort();
    lambdaPort = await freePort();
    first = npmStart(clone, { PORT: String(port), LAMBDA_PORT: String(lambdaPort) });
    await waitFor("ready banner", () => READY.test(first.output()), first, 240_000);
    base = READY.exec(first.output())?.[1] as string;
    // The banner: from its rule of '=' to the next.
    const text = first.output();
    const at = text.indexOf("================", text.search(READY) - 120);
    banner = text.slice(at, text.indexOf("================", text.search(READY)) + 80);
  }, 300_000);

  afterAll(async () => {
    if (first?.child.pid && first.child.exitCode === null) killTree(descendants(first.child.pid));
    killTree(leftovers);
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  /** The first instance answers, for existing sessions too, and its printed kubectl command works. */
  async function firstStillWorks() {
    const list = await fetch(`${base}/notebooks/servers`, {
      headers: { "renku-auth-anon-id": "anon-demo1" },
    });
    expect(list.status).toBe(200);
    const { servers } = (await list.json()) as { servers: Record<string, unknown> };
    expect(Object.keys(servers).length).toBeGreaterThan(0);
    const kubeconfig = /kubectl --kubeconfig (\S+)/.exec(banner)?.[1] as string;
    const names = execFileSync("kubectl", [
      "--kubeconfig",
      kubeconfig,
      "get",
      // npm start runs the AmaltheaSession backend unless told otherwise.
      "amaltheasessions,jupyterservers",
      "-n",
      "renku",
      "-o",
      "name",
    ])
      .toString()
      .trim();
    for (const name of Object.keys(servers)) expect(names).toContain(name);
  }

  /** Waits until none of these processes is alive (60 s at most, a busy machine's), then checks it. */
  async function gone(tree: number[]) {
    const deadline = Date.now() + 60_000;
    while (tree.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(tree.filter(alive)).toEqual([]);
  }

  it("prints one ready banner with the URLs, the API page and how to act as each seeded user", () => {
    expect(base).toBe(`http://127.0.0.1:${port}`);
    expect(first.output().split("The notebooks service is ready").length).toBe(2);
    expect(banner).toContain(`${base}/notebooks/docs`);
    expect(banner).toContain(`${base}/notebooks/spec.json`);
    expect(banner).toMatch(/kubectl --kubeconfig \S+instance-\d+\/kubeconfig/);
    expect(banner).toContain("seeded: alice, bob, carol, dave");
    // Progress while it started, not 30 s of silence.
    expect(first.output()).toContain("[start] building the functions");
    // The JWKS warning once for the whole service, not once per function.
    expect(first.output().split("NB_AUTH__JWKS_URL is not set").length - 1).toBe(1);
  });

  it("runs every curl of the banner, as pasted, with a 2xx answer", () => {
    const lines = commandLines(banner);
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(lines.some((l) => l.includes("npm run -s as -- alice curl"))).toBe(true);
    for (const line of lines) {
      const { status, body } = runLine(clone, line);
      expect(status, `${line}\n${body}`).toBeGreaterThanOrEqual(200);
      expect(status, `${line}\n${body}`).toBeLessThan(300);
    }
  }, 300_000);

  it("runs the README's walk-through (registered and anonymous) as written", () => {
    const readme = readFileSync(join(clone, "README.md"), "utf8");
    const block = /<!-- walk-through -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, "README.md has the walk-through block").toBeDefined();
    const lines = commandLines(block ?? "").map((l) =>
      l
        .replaceAll("http://127.0.0.1:3000", base)
        .replace(/^npm run -s as/, `PORT=${port} npm run -s as`),
    );
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) {
      const { status, body } = runLine(clone, line);
      expect(status, `${line}\n${body}`).toBeLessThan(300);
    }
  }, 300_000);

  it("runs docs/autosave-cleanup.md's local run as written: bob fills the ledger, the dry run shows alice's stale autosave", () => {
    const doc = readFileSync(join(clone, "docs/autosave-cleanup.md"), "utf8");
    const block = (marker: string) =>
      (new RegExp(`<!-- ${marker} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(doc)?.[1] ?? "")
        .split("\n")
        .map((l) => l.trim())
        .join("\n");
    const fill = commandLines(block("fill-ledger")).map((l) =>
      l
        .replaceAll("http://127.0.0.1:3000", base)
        .replace(/^npm run -s as/, `PORT=${port} npm run -s as`),
    );
    expect(fill).toHaveLength(1);
    expect(runLine(clone, fill[0] as string).status).toBeLessThan(300);
    const gitlab = /GitLab\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/v4/.exec(banner)?.[1] as string;
    const dryRun = block("dry-run")
      .replace("instance-3000", `instance-${port}`)
      .replace("http://127.0.0.1:<double's port>", gitlab);
    expect(dryRun).toContain("npx serverless invoke local -f autosaveCleanup");
    const out = execFileSync("sh", ["-c", dryRun], {
      cwd: clone,
      env: userEnv({ ESBUILD_WORK_FOLDER: ".esbuild-dry-run" }),
      timeout: 120_000,
    }).toString();
    expect(out).toMatch(/"branchesSelected": 1\b/);
    expect(out).toContain("renku/autosave/alice/master/9b1eb29/9be9409");
  }, 150_000);

  it("serves the API page: every endpoint renders in Chromium, with no console error", async () => {
    const profile = mkdtempSync(join(tmpdir(), "nb-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      const response = await page.goto(`${base}/notebooks/docs`);
      expect(response?.status()).toBe(200);
      // Issue 24: the page's own policy, under which it must still work (a violation is a
      // console error, caught below).
      const headers = response?.headers() ?? {};
      expect(headers["content-security-policy"]).toMatch(
        /^default-src 'none'; .*frame-ancestors 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; style-src 'sha256-[^']+';/,
      );
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["x-frame-options"]).toBe("DENY");
      expect(headers["referrer-policy"]).toBe("no-referrer");
      await page.waitForSelector(".opblock-summary-path", { timeout: 60_000 });
      const rendered = (await page.locator(".opblock-summary-path").allTextContents()).map((t) =>
        t.replace(/\u200b/g, ""),
      );
      for (const route of ROUTES)
        expect(rendered, route.id).toContain(routePath(route, "/notebooks"));
      expect(await page.locator(".btn.authorize").count()).toBe(1);
      // The launch operation opened: its example body is the seed's demo project.
      await page.locator("#operations-default-serversCreate .opblock-summary").click();
      await page.waitForSelector("#operations-default-serversCreate .body-param__example", {
        timeout: 60_000,
      });
      expect(await page.locator("#operations-default-serversCreate").textContent()).toContain(
        "hello-world",
      );
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it("refuses a second start on its port, and failed starts leave the first one working", async () => {
    const second = npmStart(clone, { PORT: String(port), LAMBDA_PORT: String(lambdaPort) });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`npm start is already running on ${base} (pid `);
    expect(second.output()).toContain("PORT=");

    const otherPort = await freePort();
    const busyLambda = npmStart(clone, {
      PORT: String(otherPort),
      LAMBDA_PORT: String(lambdaPort),
    });
    expect(await busyLambda.exited).toBe(1);
    expect(busyLambda.output()).toContain(`port ${lambdaPort} (LAMBDA_PORT`);

    const badSetting = npmStart(clone, { PORT: String(otherPort), NB_SESION__X: "1" });
    expect(await badSetting.exited).toBe(1);
    expect(badSetting.output()).toContain("NB_SESION__X: unknown setting");
    expect(badSetting.output()).toContain("nothing was started");

    await firstStillWorks();
  }, 120_000);

  it("runs a second instance fully apart on other ports; SIGINT to its npm stops it and leaves the first working", async () => {
    const p = await freePort();
    const l = await freePort();
    const s = npmStart(clone, { PORT: String(p), LAMBDA_PORT: String(l) });
    leftovers.push(s.child.pid as number);
    await waitFor(
      "second banner",
      () => s.output().includes(`ready on http://127.0.0.1:${p}`),
      s,
      240_000,
    );
    const secondBanner = s.output().slice(s.output().indexOf(`ready on http://127.0.0.1:${p}`));
    expect(secondBanner).toContain(`instance-${p}/kubeconfig`);
    // Its own cluster: the first instance's sessions are not there.
    const list = await fetch(`http://127.0.0.1:${p}/notebooks/servers`, {
      headers: { "renku-auth-anon-id": "anon-demo1" },
    });
    expect(((await list.json()) as { servers: object }).servers).toEqual({});
    const tree = descendants(s.child.pid as number);
    const ports = [
      p,
      l,
      ...[...s.output().matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])),
    ];
    leftovers.push(...tree);
    process.kill(s.child.pid as number, "SIGINT");
    await s.exited;
    await gone(tree);
    for (const q of new Set(ports)) expect(await listening(q), `port ${q}`).toBe(false);
    await firstStillWorks();
  }, 300_000);

  it("stops everything on SIGINT to npm alone while it is still building", async () => {
    const p = await freePort();
    const l = await freePort();
    const s = npmStart(clone, { PORT: String(p), LAMBDA_PORT: String(l) });
    await waitFor(
      "build step",
      () => s.output().includes("[start] building the functions"),
      s,
      120_000,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const tree = descendants(s.child.pid as number);
    leftovers.push(...tree);
    expect(tree.length).toBeGreaterThan(3);
    process.kill(s.child.pid as number, "SIGINT");
    await s.exited;
    await gone(tree);
    expect(await listening(p)).toBe(false);
    expect(await listening(l)).toBe(false);
    await firstStillWorks();
  }, 180_000);

  it("stops every process and frees every port on SIGTERM to npm alone", async () => {
    const pid = first.child.pid as number;
    const tree = descendants(pid);
    const ports = [
      port,
      lambdaPort,
      ...[...first.output().matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])),
    ];
    expect(tree.length).toBeGreaterThan(3);
    leftovers.push(...tree);
    process.kill(pid, "SIGTERM");
    await first.exited;
    await gone(tree);
    for (const p of new Set(ports)) expect(await listening(p), `port ${p}`).toBe(false);
    expect(existsSync(join(clone, ".local", `instance-${port}`))).toBe(false);
  });
});

/**
 * `npm start`: the service under `serverless offline` on 127.0.0.1:PORT (default 3000). With no
 * cluster configured (KUBECONFIG, NB_K8S__KUBECONFIG or NB_K8S__EKS__CLUSTER_NAME) it first starts
 * the local stand-ins: the local cluster with a demo-paced Amalthea, the GitLab double and a real
 * registry, all seeded from test/local/seed.json (or LOCAL_SEED_FILE). Sessions are
 * AmaltheaSessions, the service's default; NB_AMALTHEA__BACKEND=jupyterserver (or both) switches.
 *
 * Order matters: the configuration and the ports are checked, and this port's instance folder is
 * claimed (test/local/instance.ts), before anything starts or any file is written; a start that
 * fails there leaves a running instance untouched. Every child runs in a process group that this
 * process ends on SIGINT, SIGTERM or SIGHUP.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { ConfigError, loadConfig } from "../../lib/config/load.js";
import { startLocalCluster } from "./cluster/index.js";
import { provisionQuotaObjects } from "./crc/index.js";
import { startDataServicesDouble } from "./data-services/index.js";
import { gitRemoteOf, startGitLabDouble } from "./gitlab/index.js";
import {
  claimInstance,
  DEFAULT_PORT,
  InstanceBusyError,
  type InstanceInfo,
  portInUse,
  releaseInstance,
  runningInstance,
  updateInstance,
} from "./instance.js";
import { pushSeedImages, startRegistry } from "./registry/index.js";
import { loadSeed, type Seed } from "./seed.js";
import { banner } from "./start-banner.js";

const env: Record<string, string | undefined> = { ...process.env };
const unset = (name: string) => env[name] === undefined || env[name] === "";
const stops: Array<() => Promise<void>> = [];
const say = (line = "") => process.stdout.write(`${line}\n`);
const step = (line: string) => say(`[start] ${line}`);
const fail = (lines: string) =>
  process.stderr.write(`[start] ${lines.split("\n").join("\n        ")}\n`);

let instance: InstanceInfo | undefined;
let offline: ChildProcess | undefined;
let stopping = false;

function parsePort(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`${name}=${raw} is not a port number (1-65535).`);
    process.exit(1);
  }
  return port;
}

const port = parsePort("PORT", DEFAULT_PORT);
// Follows PORT, so `PORT=3100 npm start` runs a second instance fully apart.
const lambdaPort = parsePort("LAMBDA_PORT", port + 2);
const clusterConfigured =
  !unset("KUBECONFIG") || !unset("NB_K8S__KUBECONFIG") || !unset("NB_K8S__EKS__CLUSTER_NAME");

/** Checks the NB_* settings as the functions will see them, with placeholders for what the stand-ins fill in. */
function checkConfiguration(): boolean {
  const placeholders: Record<string, string> = {
    NB_ANONYMOUS_SESSIONS_ENABLED: "true",
    NB_STAGE: "local",
    NB_SESSIONS__INGRESS__HOST: "sessions.localhost",
    ...(clusterConfigured ? {} : { NB_K8S__KUBECONFIG: "/placeholder/kubeconfig" }),
    NB_GIT__URL: "http://127.0.0.1:1",
    NB_GIT__REGISTRY: "127.0.0.1:1",
  };
  const probe = { ...env };
  for (const [name, value] of Object.entries(placeholders)) if (unset(name)) probe[name] = value;
  try {
    loadConfig(probe);
    return true;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    fail(
      [
        "The configuration is invalid; nothing was started:",
        ...e.problems.map((p) => `  ${p}`),
        "Fix or unset these variables (README.md, Configuration) and run npm start again.",
      ].join("\n"),
    );
    return false;
  }
}

async function checkPorts(): Promise<boolean> {
  const busy: string[] = [];
  if (await portInUse(port)) {
    busy.push(
      `port ${port} (PORT, the service) is in use: set PORT to a free port, e.g. PORT=${port + 100} npm start`,
    );
  }
  if (await portInUse(lambdaPort)) {
    busy.push(
      `port ${lambdaPort} (LAMBDA_PORT, serverless offline's Lambda endpoint) is in use: set LAMBDA_PORT to a free port, e.g. LAMBDA_PORT=${lambdaPort + 100} npm start`,
    );
  }
  if (busy.length > 0) fail(["Nothing was started:", ...busy].join("\n"));
  return busy.length === 0;
}

async function startStandIns(seed: Seed, owned: InstanceInfo) {
  let cluster: Awaited<ReturnType<typeof startLocalCluster>> | undefined;
  if (!clusterConfigured) {
    step("starting the local cluster (Kubernetes API and a simulated Amalthea)…");
    const kubeconfig = resolve(owned.folder, "kubeconfig");
    cluster = await startLocalCluster({
      timing: { stepMs: 1500 },
      kubeconfigPath: kubeconfig,
    });
    stops.push(cluster.stop);
    env.NB_K8S__KUBECONFIG = kubeconfig;
    owned.kubeconfig = kubeconfig;
    step(`local cluster   ${cluster.url}`);
  } else {
    step("cluster: as configured (KUBECONFIG / NB_K8S__*)");
  }
  if (unset("NB_GIT__URL")) {
    step("starting the GitLab double…");
    const gitlab = await startGitLabDouble({ seed });
    stops.push(gitlab.stop);
    env.NB_GIT__URL = gitlab.url;
    // The simulated sessions push and restore autosaves in the GitLab double.
    cluster?.connectGitRemote(gitRemoteOf(gitlab.state, gitlab.url));
    step(`GitLab double   ${gitlab.url}/api/v4`);
  }
  owned.gitUrl = env.NB_GIT__URL;
  if (unset("NB_GIT__REGISTRY")) {
    const images = seed.images ?? [];
    step(`starting the registry (docker-registry) and pushing ${images.length} seed images…`);
    const registry = await startRegistry({ kind: "open" });
    stops.push(registry.stop);
    await pushSeedImages(registry.url, images);
    env.NB_GIT__REGISTRY = registry.host;
    if (unset("NB_REGISTRY__ALLOWED_HOSTS"))
      env.NB_REGISTRY__ALLOWED_HOSTS = JSON.stringify([registry.host]);
    if (unset("NB_REGISTRY__PLAIN_HTTP_HOSTS"))
      env.NB_REGISTRY__PLAIN_HTTP_HOSTS = JSON.stringify([registry.host]);
    if (unset("NB_SESSIONS__DEFAULT_IMAGE"))
      env.NB_SESSIONS__DEFAULT_IMAGE = `${registry.host}/renku/singleuser:latest`;
    owned.registry = registry.url;
    step(`registry        ${registry.url}`);
  }
  // serverless offline runs the stage named local (serverless.yml); an unset stage is strict.
  if (unset("NB_STAGE")) env.NB_STAGE = "local";
  if (unset("NB_DATA_SERVICES__URL")) {
    step("starting the renku-data-services double (v2 launchers, projects, pools)…");
    const ds = await startDataServicesDouble({
      seed,
      ...(env.NB_GIT__URL ? { gitlabUrl: env.NB_GIT__URL } : {}),
      ...(env.NB_GIT__REGISTRY ? { registryHost: env.NB_GIT__REGISTRY } : {}),
    });
    stops.push(ds.stop);
    // The pools' PriorityClasses and quotas, which renku-data-services creates in its cluster.
    if (cluster)
      await provisionQuotaObjects(cluster.url, env.NB_K8S__NAMESPACE ?? "renku", ds.quotas());
    env.NB_DATA_SERVICES__URL = ds.url;
    step(`data-services   ${ds.url}`);
  }
  if (unset("NB_ANONYMOUS_SESSIONS_ENABLED")) env.NB_ANONYMOUS_SESSIONS_ENABLED = "true";
  // The v2 sessions' git proxy (Keycloak mode) refuses to start without a client secret.
  if (unset("NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET"))
    env.NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET = "local-git-proxy-secret";
  if (unset("NB_SESSIONS__INGRESS__HOST")) env.NB_SESSIONS__INGRESS__HOST = "sessions.localhost";
  // The local stand-ins serve no TLS, so the local run's session URLs say http.
  if (unset("NB_SESSIONS__INGRESS__SCHEME")) env.NB_SESSIONS__INGRESS__SCHEME = "http";
  updateInstance(owned);
}

/** Ends serverless offline's whole process group (serverless, its esbuild service, workers). */
async function stopOffline() {
  const child = offline;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // already gone
    }
  };
  signalGroup("SIGTERM");
  const timer = setTimeout(() => signalGroup("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
  // Whatever serverless left behind in its group.
  signalGroup("SIGKILL");
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stopOffline();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (instance) releaseInstance(instance);
  }
  process.exit(code);
}

function onSignals() {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (stopping) {
        // A second signal while stopping: stop waiting.
        if (offline?.pid) {
          try {
            process.kill(-offline.pid, "SIGKILL");
          } catch {
            // gone
          }
        }
        process.exit(1);
      }
      step(`${signal}: stopping everything…`);
      void shutdown(signal === "SIGINT" ? 130 : 143);
    });
  }
  // npm killed outright (or a shell that did not pass the signal on): this process is reparented.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !stopping) {
      step("the parent process is gone: stopping everything…");
      void shutdown(1);
    }
  }, 1000).unref();
  // Last resort on a crash: no serverless offline may outlive this process.
  process.on("exit", () => {
    if (offline?.pid && offline.exitCode === null) {
      try {
        process.kill(-offline.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  });
}

async function waitUntilReady(url: string, output: () => string): Promise<boolean> {
  const started = Date.now();
  let nextNote = started + 10_000;
  while (!stopping) {
    if (offline?.exitCode !== null || offline.signalCode !== null) {
      const text = output();
      if (/EADDRINUSE/.test(text)) {
        fail(
          `serverless offline could not listen: a port was taken after the check. Set PORT / LAMBDA_PORT to free ports.`,
        );
      } else {
        fail("serverless offline exited before it answered (its output is above).");
      }
      return false;
    }
    try {
      if ((await fetch(`${url}/health`)).status === 200) return true;
    } catch {
      // not listening yet
    }
    if (Date.now() >= nextNote) {
      step(
        `still building and starting serverless offline… ${Math.round((Date.now() - started) / 1000)} s`,
      );
      nextNote += 10_000;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function main() {
  if (!checkConfiguration()) process.exit(1);
  // Before the ports: a start on a running instance's port should name that instance.
  const running = runningInstance(port);
  if (running) {
    fail(new InstanceBusyError(running).message);
    process.exit(1);
  }
  if (!(await checkPorts())) process.exit(1);
  const url = `http://127.0.0.1:${port}`;
  try {
    instance = claimInstance({
      pid: process.pid,
      startedAt: new Date().toISOString(),
      url,
      port,
      lambdaPort,
    });
  } catch (e) {
    if (e instanceof InstanceBusyError) {
      fail(e.message);
      process.exit(1);
    }
    throw e;
  }
  onSignals();
  step(`instance ${instance.folder} (pid ${process.pid})`);
  const seed = loadSeed();
  await startStandIns(seed, instance);
  try {
    const config = loadConfig(env);
    step(`sessions: ${config.amalthea.backend} backend (NB_AMALTHEA__BACKEND switches)`);
  } catch (e) {
    if (e instanceof ConfigError) {
      fail(`The configuration is invalid: ${e.problems.join("; ")}`);
      return shutdown(1);
    }
    throw e;
  }
  step(
    "building the functions with esbuild and starting serverless offline (about 30 s on a first start)…",
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + String(chunk)).slice(-20_000);
  };
  offline = spawn(
    process.execPath,
    // No Lambda timeouts locally (--noTimeout): a function's first call loads it, and on a busy
    // machine that alone can outlast a deployed 6 s timeout, turning a pasted curl into a 504.
    // The deployed timeouts are serverless.yml's (checked by serverless-config.test.ts).
    [resolve("node_modules/serverless/bin/serverless.js"), "offline", "start", "--noTimeout"],
    {
      env: {
        ...env,
        PORT: String(port),
        LAMBDA_PORT: String(lambdaPort),
        ESBUILD_WORK_FOLDER: `.local/instance-${port}/esbuild`,
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so that shutdown reaches every process it starts.
      detached: true,
    },
  );
  offline.stdout?.on("data", (chunk: Buffer) => {
    keep(chunk);
    process.stdout.write(chunk);
  });
  offline.stderr?.on("data", (chunk: Buffer) => {
    keep(chunk);
    process.stderr.write(chunk);
  });
  if (!(await waitUntilReady(url, () => output))) return shutdown(1);
  say(banner({ instance, seed, anonymousEnabled: env.NB_ANONYMOUS_SESSIONS_ENABLED === "true" }));
  offline.once("exit", (code) => {
    if (!stopping) {
      fail(`serverless offline exited (${code ?? "signal"}); stopping the stand-ins.`);
      void shutdown(code ?? 1);
    }
  });
}

main().catch(async (e) => {
  fail(`npm start failed: ${e instanceof Error ? e.message : String(e)}`);
  await shutdown(1);
});

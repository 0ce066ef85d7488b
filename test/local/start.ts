/**
 * `npm start`: the service under `serverless offline` on 127.0.0.1:3000. With no cluster configured
 * (KUBECONFIG, NB_K8S__KUBECONFIG or NB_K8S__EKS__CLUSTER_NAME) it first starts the local stand-ins:
 * the local cluster with a demo-paced Amalthea, the GitLab double and a real registry, all seeded
 * from test/local/seed.json (or LOCAL_SEED_FILE).
 */
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { ConfigError, loadConfig } from "../../lib/config.js";
import { startLocalCluster } from "./cluster/index.js";
import { gitRemoteOf, startGitLabDouble } from "./gitlab/index.js";
import { pushSeedImages, startRegistry } from "./registry/index.js";
import { loadSeed } from "./seed.js";

const env: Record<string, string | undefined> = { ...process.env };
const port = env.PORT ?? "3000";
const stops: Array<() => Promise<void>> = [];
const say = (line = "") => process.stdout.write(`${line}\n`);

async function startStandIns() {
  const seed = loadSeed();
  let cluster: Awaited<ReturnType<typeof startLocalCluster>> | undefined;
  const clusterConfigured = Boolean(
    env.KUBECONFIG || env.NB_K8S__KUBECONFIG || env.NB_K8S__EKS__CLUSTER_NAME,
  );
  if (!clusterConfigured) {
    await mkdir(".local", { recursive: true });
    const kubeconfig = resolve(".local/kubeconfig");
    cluster = await startLocalCluster({
      timing: { stepMs: 1500 },
      kubeconfigPath: kubeconfig,
    });
    stops.push(cluster.stop);
    env.NB_K8S__KUBECONFIG = kubeconfig;
    say(
      `local cluster   ${cluster.url}  (kubectl --kubeconfig ${kubeconfig} get js,pods -n renku)`,
    );
  } else {
    say("cluster         as configured (KUBECONFIG / NB_K8S__*)");
  }
  if (!env.NB_GIT__URL) {
    const gitlab = await startGitLabDouble({ seed });
    stops.push(gitlab.stop);
    env.NB_GIT__URL = gitlab.url;
    cluster?.connectGitRemote(gitRemoteOf(gitlab.state, gitlab.url));
    say(`GitLab double   ${gitlab.url}/api/v4`);
  }
  if (!env.NB_GIT__REGISTRY) {
    const registry = await startRegistry({ kind: "open" });
    stops.push(registry.stop);
    await pushSeedImages(registry.url, seed.images ?? []);
    env.NB_GIT__REGISTRY = registry.host;
    env.NB_REGISTRY__ALLOWED_HOSTS ??= JSON.stringify([registry.host]);
    env.NB_REGISTRY__PLAIN_HTTP_HOSTS ??= JSON.stringify([registry.host]);
    env.NB_SESSIONS__DEFAULT_IMAGE ??= `${registry.host}/renku/singleuser:latest`;
    say(
      `registry        ${registry.url}  (docker-registry, ${seed.images?.length ?? 0} seed images)`,
    );
  }
  env.NB_ANONYMOUS_SESSIONS_ENABLED ??= "true";
  env.NB_SESSIONS__INGRESS__HOST ??= "sessions.localhost";
}

function usage() {
  const base = `http://127.0.0.1:${port}`;
  const anon = "-H 'Renku-Auth-Anon-Id: anon-demo1'";
  say();
  say(`The notebooks service is up on ${base}. Try:`);
  say(`  curl ${base}/health`);
  say(`  curl ${base}/notebooks/version`);
  say(`  curl ${anon} ${base}/notebooks/server_options`);
  say(
    `  curl ${anon} -H 'Content-Type: application/json' -d '{"namespace":"renku-demo","project":"hello-world","commit_sha":"<a commit of test/local/seed.json>"}' ${base}/notebooks/servers`,
  );
  say(`  curl ${anon} ${base}/notebooks/servers`);
  say(
    "Registered users: send Renku-Auth-Access-Token, Renku-Auth-Id-Token and Renku-Auth-Git-Credentials",
  );
  say(
    "(test/helpers/users.ts shows how; the seed's users have tokens glpat-<user>-secret). Ctrl-C stops everything.",
  );
}

async function shutdown(code: number) {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}

async function main() {
  await startStandIns();
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return shutdown(1);
    }
    throw e;
  }
  const offline = spawn("npx", ["serverless", "offline", "start"], {
    env: { ...env, PORT: port },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let announced = false;
  offline.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /Server ready/i.test(String(chunk))) {
      announced = true;
      usage();
    }
  });
  offline.on("exit", (code) => void shutdown(code ?? 0));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      offline.kill("SIGTERM");
    });
  }
}

main().catch(async (e) => {
  process.stderr.write(`npm start failed: ${e instanceof Error ? e.message : String(e)}\n`);
  await shutdown(1);
});

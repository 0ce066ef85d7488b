// Makes a fresh clone runnable: `npm start` and `npm test` call this first (pre-scripts), so the
// README's two commands work with nothing installed by hand. Plain Node: nothing is installed yet.
//   --system   Debian packages the stand-ins need (docker-registry, htpasswd, kubectl)
//   --browser  Debian's chromium, for the API page's browser test
//   --clients  Debian's python3-kubernetes, a second real client for the local cluster's conformance test
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";

const say = (line) => console.log(`[ensure] ${line}`);
const has = (cmd) => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** Runs a long, quiet command and says every 10 s that it is still working. */
function runWithProgress(what, cmd, args) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { stdio: "inherit" });
    const timer = setInterval(
      () => say(`${what}: still working… ${Math.round((Date.now() - started) / 1000)} s`),
      10_000,
    );
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(timer);
      if (code === 0) {
        say(`${what}: done in ${Math.round((Date.now() - started) / 1000)} s`);
        resolve();
      } else reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}`));
    });
  });
}

if (!existsSync("node_modules/.package-lock.json")) {
  say("installing npm dependencies (npm ci, about 30 s on a first start)…");
  await runWithProgress("npm ci", "npm", ["ci", "--no-audit", "--no-fund"]);
}

const missing = [];
// The tests and `npm start` run a real registry (Debian docker-registry, htpasswd for its basic auth).
if (process.argv.includes("--system")) {
  if (!has("docker-registry")) missing.push("docker-registry");
  if (!has("htpasswd")) missing.push("apache2-utils");
  if (!has("kubectl")) missing.push("kubernetes-client");
}
// The conformance test drives the local cluster with Debian's python3-kubernetes (Debian's interpreter).
const hasPythonKubernetes = () => {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import kubernetes"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
if (process.argv.includes("--clients") && !hasPythonKubernetes())
  missing.push("python3-kubernetes");
// The API page's test drives Debian's chromium (playwright-core, no browser download).
if (process.argv.includes("--browser") && !existsSync("/usr/bin/chromium"))
  missing.push("chromium");
if (missing.length > 0) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || !has("apt-get")) {
    console.error(`[ensure] please install: ${missing.join(" ")} (Debian packages)`);
    process.exit(1);
  }
  say(`installing ${missing.join(", ")} with apt-get…`);
  await runWithProgress("apt-get update", "apt-get", ["update", "-qq"]);
  await runWithProgress("apt-get install", "apt-get", ["install", "-y", "-qq", ...missing]);
}

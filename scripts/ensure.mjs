// Makes a fresh clone runnable: `npm start` and `npm test` call this first (pre-scripts), so the
// README's two commands work with nothing installed by hand. Plain Node: nothing is installed yet.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" });
const has = (cmd) => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

const hasPythonKubernetes = () => {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import kubernetes"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

if (!existsSync("node_modules/.package-lock.json")) {
  console.log("[ensure] installing npm dependencies (npm ci)…");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

// The tests start a real registry (Debian docker-registry, htpasswd for its basic auth).
if (process.argv.includes("--system")) {
  const missing = [];
  if (!has("docker-registry")) missing.push("docker-registry");
  if (!has("htpasswd")) missing.push("apache2-utils");
  if (!has("kubectl")) missing.push("kubernetes-client");
  // The conformance test drives the local cluster with Debian's python3-kubernetes.
  if (!hasPythonKubernetes()) missing.push("python3-kubernetes");
  if (missing.length > 0) {
    const root = typeof process.getuid === "function" && process.getuid() === 0;
    if (!root || !has("apt-get")) {
      console.error(`[ensure] please install: ${missing.join(" ")} (Debian packages)`);
      process.exit(1);
    }
    console.log(`[ensure] installing ${missing.join(", ")} with apt-get…`);
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", ...missing]);
  }
}

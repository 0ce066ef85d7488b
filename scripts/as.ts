/**
 * Acts as a seeded user against a running `npm start`: the headers the Renku gateway would inject.
 *
 *   npm run -s as -- alice                      prints alice's headers, one `Name: value` per line
 *   npm run -s as -- alice curl <curl args…>    runs curl with those headers added
 *   npm run -s as -- anon curl <curl args…>     the same as an anonymous user (Renku-Auth-Anon-Id)
 *
 * The instance is the one on PORT (default 3000); its GitLab URL keys the git credentials. ID tokens
 * are unsigned, which the service accepts only while NB_AUTH__JWKS_URL is unset (as `npm start` runs).
 */
import { spawnSync } from "node:child_process";
import { anonHeaders, registeredHeaders } from "../test/helpers/users.js";
import { v2Headers } from "../test/helpers/v2-users.js";
import { DEFAULT_PORT, instanceFolder, runningInstance } from "../test/local/instance.js";
import { loadSeed } from "../test/local/seed.js";

const [user, command, ...args] = process.argv.slice(2);
const seed = loadSeed();
const users = seed.users.map((u) => u.username);
const port = Number(process.env.PORT || DEFAULT_PORT);

function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

if (!user || user === "-h" || user === "--help") {
  die(`usage: npm run -s as -- <${[...users, "anon"].join("|")}> [curl <args…>]`);
}

/** Capitalised as the gateway sends them (HTTP ignores case; readers do not). */
const display = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());

function headersFor(name: string): Record<string, string> {
  // v2 (/api/data/sessions) launches of anonymous visitors need the gateway's session cookie.
  if (name === "anon")
    return { ...anonHeaders("anon-demo1"), cookie: "_renku_session=anon-demo1-cookie" };
  const seeded = seed.users.find((u) => u.username === name);
  if (!seeded) die(`Unknown user "${name}". Seeded users: ${users.join(", ")}; or "anon".`);
  const instance = runningInstance(port);
  if (!instance?.gitUrl) {
    die(
      `No npm start is running on port ${port} (${instanceFolder(port)}). Start one with npm start, or set PORT to the port of the one you started.`,
    );
  }
  const token = seeded.tokens[0];
  const v1 = registeredHeaders({
    username: seeded.username,
    email: seeded.email,
    name: seeded.name,
    gitUrl: instance.gitUrl,
    ...(token ? { gitToken: token } : {}),
  });
  // v2 (/api/data/sessions): the Keycloak access token as the gateway forwards it.
  const v2 = v2Headers({ username: seeded.username, email: seeded.email, name: seeded.name });
  return { ...v1, ...v2 };
}

const headers = Object.entries(headersFor(user)).map(([k, v]) => `${display(k)}: ${v}`);
if (!command) {
  process.stdout.write(`${headers.join("\n")}\n`);
  process.exit(0);
}
if (command !== "curl")
  die(`Only curl is supported (got "${command}"); without a command the headers are printed.`);
const result = spawnSync("curl", [...headers.flatMap((h) => ["-H", h]), ...args], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);

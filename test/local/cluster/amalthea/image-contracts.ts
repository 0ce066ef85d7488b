/**
 * What Renku's session images (1.18.1) read from their environment and how each one dies on a
 * configuration it cannot load (shared/spec/images.md). Pure: the pod model asks it whether a
 * container starts, and the unit tests check every manifest the service builds against it.
 */

import { isV2EraImage, v2StartupFailure } from "./image-contracts-v2.js";

export type RenkuImage = "git-clone" | "git-rpc-server" | "git-https-proxy" | "oauth2-proxy";

/** Image repositories (without registry host and tag) of the supported set. */
const REPOSITORIES: Record<string, RenkuImage> = {
  "renku/git-clone": "git-clone",
  "renku/git-rpc-server": "git-rpc-server",
  "renku/git-https-proxy": "git-https-proxy",
  "bitnami/oauth2-proxy": "oauth2-proxy",
  "oauth2-proxy/oauth2-proxy": "oauth2-proxy",
};

/** The image's repository: no registry host, tag or digest (`docker.io/renku/x:1` -> `renku/x`). */
export function imageRepository(image: string): string {
  let rest = image.split("@")[0] ?? "";
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > slash) rest = rest.slice(0, colon);
  const parts = rest.split("/");
  const first = parts[0] ?? "";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost"))
    parts.shift();
  return parts.join("/");
}

/** Which Renku image this is, by repository, whatever the tag. */
export function renkuImageOf(image: string): RenkuImage | undefined {
  return REPOSITORIES[imageRepository(image)];
}

export interface EnvEntry {
  name: string;
  value?: string | null;
  valueFrom?: unknown;
}

export interface ContainerSpec {
  name: string;
  image: string;
  env?: EnvEntry[] | null;
  args?: string[] | null;
  command?: string[] | null;
}

/** The environment the process sees: later duplicates win, valueFrom counts as set. */
export function envOf(container: Pick<ContainerSpec, "env">): Map<string, string> {
  const env = new Map<string, string>();
  for (const e of container.env ?? []) env.set(e.name, e.value ?? "");
  return env;
}

/** How the container ends at start-up: exit code and what it prints. */
export interface StartupFailure {
  exitCode: number;
  lines: string[];
}

// ---- dataconf 2.2.1 (git-clone, git sidecar) ----

type Check = (value: string) => string | undefined;
interface Field {
  required?: boolean;
  group?: Record<string, Field>;
  /** Type conversion done while loading: a message names what failed. */
  type?: Check;
  /** The dataclass's __post_init__ check, run once everything is loaded. */
  post?: Check;
}

const pyFloat: Check = (v) =>
  /^\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf(inity)?|nan)\s*$/i.test(v)
    ? undefined
    : `expected type <class 'float'>, got <class 'str'> ('${v}')`;
const pyInt: Check = (v) =>
  /^\s*[+-]?\d+\s*$/.test(v)
    ? undefined
    : `ValueError: invalid literal for int() with base 10: '${v}'`;
const flag =
  (field: string): Check =>
  (v) =>
    v === "0" || v === "1"
      ? undefined
      : `ValueError: ${field} can only be a string with values '0' or '1'`;

const SENTRY: Field = {
  required: true,
  group: {
    enabled: {},
    dsn: {},
    environment: {},
    sample_rate: { type: pyFloat },
  },
};

const GIT_CLONE: Record<string, Field> = {
  repository_url: { required: true },
  commit_sha: { required: true },
  branch: { required: true },
  git_url: { required: true },
  user: {
    required: true,
    group: { username: { required: true }, oauth_token: {}, full_name: {}, email: {} },
  },
  sentry: SENTRY,
  git_autosave: { post: flag("git_autosave") },
  lfs_auto_fetch: { post: flag("lfs_auto_fetch") },
  mount_path: {},
  s3_mount: {},
};

const GIT_RPC: Record<string, Field> = {
  sentry: SENTRY,
  port: { post: pyInt },
  host: {},
  url_prefix: {},
  mount_path: {},
  git_proxy_health_port: { post: pyInt },
};

interface Tree {
  [key: string]: Tree | string;
}

/** dataconf.env(prefix, Config): the first error it raises, or undefined when it loads. */
export function dataconfError(
  prefix: string,
  fields: Record<string, Field>,
  env: Map<string, string>,
): string | undefined {
  const tree: Tree = {};
  for (const [name, value] of env) {
    if (!name.startsWith(prefix)) continue;
    const path = name.slice(prefix.length).toLowerCase().split("__");
    let node = tree;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (typeof next === "object") node = next;
      else {
        const fresh: Tree = {};
        node[part] = fresh;
        node = fresh;
      }
    }
    node[path[path.length - 1] as string] = value;
  }
  const posts: Array<() => string | undefined> = [];
  const load = (node: Tree, schema: Record<string, Field>, at: string): string | undefined => {
    for (const [key, field] of Object.entries(schema)) {
      const value = node[key];
      if (value === undefined) {
        if (field.required) return `no ${key} found in dataclass`;
        continue;
      }
      if (field.group) {
        if (typeof value !== "object")
          return `expected type dict at ${at}${key}, got <class 'str'>`;
        const inner = load(value, field.group, `${at}${key}.`);
        if (inner) return inner;
      } else {
        if (typeof value === "object")
          return `expected type str at ${at}${key}, got <class 'dict'>`;
        const bad = field.type?.(value);
        if (bad) return `${bad} at .${at}${key}`;
        const post = field.post;
        if (post) posts.push(() => post(value));
      }
    }
    const unexpected = Object.keys(node)
      .filter((k) => !(k in schema))
      .map((k) => `${at}${k}`);
    if (unexpected.length) return `unexpected key(s) "${unexpected.join('", "')}" detected`;
    return undefined;
  };
  const error = load(tree, fields, "");
  if (error) return error;
  for (const post of posts) {
    const bad = post();
    if (bad) return bad;
  }
  return undefined;
}

const traceback = (module: string, error: string): string[] => [
  "Traceback (most recent call last):",
  `  File "/app/git_services/${module}", line 1, in <module>`,
  error.startsWith("ValueError") ? error : `dataconf.exceptions.MalformedConfigException: ${error}`,
];

// ---- git-https-proxy (Go) ----

const GO_REQUIRED = [
  "RENKU_ACCESS_TOKEN",
  "RENKU_REFRESH_TOKEN",
  "RENKU_CLIENT_ID",
  "RENKU_CLIENT_SECRET",
  "RENKU_REALM",
  "GITLAB_OAUTH_TOKEN",
  "GITLAB_OAUTH_TOKEN_EXPIRES_AT",
];
const goInt = (v: string) => /^[+-]?\d+$/.test(v);

/** What config.ParseEnv log.Fatal()s on, in its order; undefined when it starts. */
export function gitProxyError(env: Map<string, string>): string | undefined {
  const grace = env.get("SESSION_TERMINATION_GRACE_PERIOD_SECONDS") ?? "600";
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(grace))
    return `Cannot parse 'SESSION_TERMINATION_GRACE_PERIOD_SECONDS' ${grace}s: time: invalid duration "${grace}s"`;
  for (const name of GO_REQUIRED) {
    const value = env.get(name);
    if (value === undefined) return `Cannot find required '${name}' environment variable`;
    if (name === "GITLAB_OAUTH_TOKEN_EXPIRES_AT" && !goInt(value))
      return `Cannot convert 'GITLAB_OAUTH_TOKEN_EXPIRES_AT' environment variable ${value} to integer`;
  }
  for (const name of ["REPOSITORY_URL", "RENKU_URL"]) {
    const value = env.get(name);
    if (value === undefined) return `Cannot find required '${name}' environment variable`;
    if ([...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f))
      return `Cannot parse '${name}': parse "${value}": net/url: invalid control character in URL`;
  }
  const refresh = env.get("REFRESH_CHECK_PERIOD_SECONDS");
  if (refresh !== undefined && !goInt(refresh))
    return `Cannot parse refresh period as integer ${refresh}: strconv.ParseInt: parsing "${refresh}": invalid syntax`;
  return undefined;
}

/** Go's log package prefix: "2006/01/02 15:04:05 ". */
const goLogTime = (now: Date) =>
  `${now.toISOString().slice(0, 10).replaceAll("-", "/")} ${now.toISOString().slice(11, 19)} `;

/**
 * How a container of one of the Renku images ends at start-up, or undefined when it loads its
 * configuration. Containers of other images always start.
 */
export function startupFailure(
  container: ContainerSpec,
  now: Date = new Date(),
): StartupFailure | undefined {
  // The v2-era images (1.24.0 and later) read another environment (image-contracts-v2.ts).
  if (isV2EraImage(container.image)) return v2StartupFailure(container, now);
  const kind = renkuImageOf(container.image);
  const env = envOf(container);
  switch (kind) {
    case "git-clone": {
      const error = dataconfError("GIT_CLONE_", GIT_CLONE, env);
      return error ? { exitCode: 1, lines: traceback("init/clone.py", error) } : undefined;
    }
    case "git-rpc-server": {
      const error = dataconfError("GIT_RPC_", GIT_RPC, env);
      return error
        ? {
            exitCode: 1,
            lines: [
              "[INFO] Starting gunicorn 20.1.0",
              ...traceback("sidecar/app.py", error),
              "[INFO] Worker failed to boot.",
            ],
          }
        : undefined;
    }
    case "git-https-proxy": {
      const error = gitProxyError(env);
      return error ? { exitCode: 1, lines: [`${goLogTime(now)}${error}`] } : undefined;
    }
    case "oauth2-proxy": {
      // Every argument is a flag; anything else stops it at start-up.
      const bad = (container.args ?? []).find((a) => !a.startsWith("--"));
      return bad === undefined
        ? undefined
        : { exitCode: 1, lines: [`invalid argument "${bad}": flags must start with --`] };
    }
    default:
      return undefined;
  }
}

/** The sidecar's configuration as the autosave (preStop) loads it: the loader's error or none. */
export function sidecarConfigError(env: Map<string, string>): string | undefined {
  return dataconfError("GIT_RPC_", GIT_RPC, env);
}

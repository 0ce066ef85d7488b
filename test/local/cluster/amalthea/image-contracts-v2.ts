/**
 * The v2-era session images (renku/git-clone and renku/git-https-proxy from 1.24.0, the ones
 * renku-data-services pins at 1.25.3; docs/images-v2.md) read another environment than 1.18.1's:
 * the clone takes its repositories as `GIT_CLONE_REPOSITORIES_<i>_` JSON objects, the proxy a
 * viper configuration from `GIT_PROXY_*`. How each dies on a configuration it cannot load, so the
 * local Amalthea fails a v2 session's pod as the real images would. Pure.
 */
import {
  type ContainerSpec,
  dataconfError,
  envOf,
  imageRepository,
  type StartupFailure,
} from "./image-contracts.js";

/** A tag `X.Y.Z` at or after 1.24.0 (older, `latest` and dev tags keep the 1.18.1 contract). */
export function isV2EraImage(image: string): boolean {
  const repo = imageRepository(image);
  if (repo !== "renku/git-clone" && repo !== "renku/git-https-proxy") return false;
  const tag = /:(\d+)\.(\d+)\.(\d+)(?:@.*)?$/.exec(image.split("@")[0] ?? "");
  if (!tag) return false;
  const [major, minor] = [Number(tag[1]), Number(tag[2])];
  return major > 1 || (major === 1 && minor >= 24);
}

const pyInt = (v: string) =>
  /^\s*[+-]?\d+\s*$/.test(v)
    ? undefined
    : `ValueError: invalid literal for int() with base 10: '${v}'`;
const flag = (field: string) => (v: string) =>
  v === "0" || v === "1"
    ? undefined
    : `ValueError: ${field} can only be a string with values '0' or '1'`;

/** git_services.init.config.Config as dataconf loads it (renku-notebooks 1.24.0 to 1.31.1). */
const CLONE_FIELDS = {
  sentry: {
    required: true,
    group: { enabled: {}, dsn: {}, environment: {}, sample_rate: {} },
  },
  mount_path: { required: true },
  user: {
    required: true,
    group: { username: { required: true }, full_name: {}, email: {}, renku_token: {} },
  },
  lfs_auto_fetch: { post: flag("lfs_auto_fetch") },
  is_git_proxy_enabled: { post: flag("is_git_proxy_enabled") },
  git_proxy_port: { type: pyInt },
};

const LISTS: Record<string, { required: string[]; optional: string[] }> = {
  repositories: { required: ["url"], optional: ["provider", "dirname", "branch", "commit_sha"] },
  git_providers: { required: ["id", "access_token_url"], optional: [] },
};

/** The list entries (`GIT_CLONE_<LIST>_<i>_`, JSON objects): the first error, or none. */
function listError(env: Map<string, string>): string | undefined {
  for (const [name, value] of env) {
    const m = /^GIT_CLONE_(REPOSITORIES|GIT_PROVIDERS|STORAGE_MOUNTS)_(\d+)_$/.exec(name);
    if (!m) continue;
    const list = (m[1] as string).toLowerCase();
    if (list === "storage_mounts") {
      if (!value.startsWith("/"))
        return "git_services.init.errors.CloudStorageMountPathNotAbsolute";
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return `expected type dict at ${list}[${m[2]}], got <class 'str'>`;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return `expected type dict at ${list}[${m[2]}], got <class 'str'>`;
    const shape = LISTS[list] as { required: string[]; optional: string[] };
    const entry = parsed as Record<string, unknown>;
    for (const key of shape.required)
      if (typeof entry[key] !== "string") return `no ${key} found in dataclass`;
    const unexpected = Object.keys(entry).filter(
      (k) => !shape.required.includes(k) && !shape.optional.includes(k),
    );
    if (unexpected.length) return `unexpected key(s) "${unexpected.join('", "')}" detected`;
    for (const key of shape.optional)
      if (entry[key] !== undefined && entry[key] !== null && typeof entry[key] !== "string")
        return `expected type str at ${list}[${m[2]}].${key}`;
  }
  return undefined;
}

function cloneError(env: Map<string, string>): string | undefined {
  const listed = listError(env);
  if (listed) return listed;
  const scalars = new Map(
    [...env].filter(
      ([name]) => !/^GIT_CLONE_(REPOSITORIES|GIT_PROVIDERS|STORAGE_MOUNTS)_\d+_$/.test(name),
    ),
  );
  return dataconfError("GIT_CLONE_", CLONE_FIELDS, scalars);
}

/** amalthea internal/git-https-proxy/config: GetConfig (viper decoding) then Validate. */
export function gitProxyV2Error(env: Map<string, string>): string | undefined {
  const get = (key: string) => env.get(`GIT_PROXY_${key}`);
  for (const key of ["PORT", "HEALTH_PORT", "REFRESH_CHECK_PERIOD_SECONDS"]) {
    const v = get(key);
    if (v !== undefined && !/^[+-]?\d+$/.test(v))
      return `1 error(s) decoding:\n\n* cannot parse '${key.toLowerCase()}' as int: strconv.ParseInt: parsing "${v}": invalid syntax`;
  }
  for (const key of ["REPOSITORIES", "PROVIDERS"]) {
    const v = get(key);
    if (v === undefined) continue;
    if (v === "") return "cannot parse empty string as a slice";
    try {
      if (!Array.isArray(JSON.parse(v))) throw new Error("not an array");
    } catch {
      return `1 error(s) decoding:\n\n* '${key.toLowerCase()}': source data must be an array or slice, got string`;
    }
  }
  const url = get("RENKU_URL");
  if (url === "") return "empty values are not allowed for URLs";
  const anonymous = (get("ANONYMOUS_SESSION") ?? "true").toLowerCase();
  if (["true", "1", "t"].includes(anonymous)) return undefined;
  if (get("RENKU_AUTHENTICATION_VERSION") === "v2") {
    if (!get("RENKU_ACCESS_TOKEN")) return "the renku access token is not defined";
    if (!get("RENKU_REFRESH_TOKEN")) return "the renku refresh token is not defined";
    if (!get("RENKU_TOKEN_URL")) return "the renku token URL is not defined";
    return undefined;
  }
  if (!get("RENKU_ACCESS_TOKEN")) return "the renku access token is not defined";
  if (!get("RENKU_REFRESH_TOKEN")) return "the renku refresh token is not defined";
  if (url === undefined) return "the renku URL is not defined";
  if (!get("RENKU_REALM")) return "the renku realm is not defined";
  if (!get("RENKU_CLIENT_ID")) return "the renku client id is not defined";
  if (!get("RENKU_CLIENT_SECRET")) return "the renku client secret is not defined";
  const period = Number(get("REFRESH_CHECK_PERIOD_SECONDS") ?? "600");
  if (!(period > 0)) return "the refresh token period is invalid";
  return undefined;
}

const goLogTime = (now: Date) =>
  `${now.toISOString().slice(0, 10).replaceAll("-", "/")} ${now.toISOString().slice(11, 19)} `;

/** How a v2-era container ends at start-up, or undefined when it loads its configuration. */
export function v2StartupFailure(container: ContainerSpec, now: Date): StartupFailure | undefined {
  const env = envOf(container);
  if (imageRepository(container.image) === "renku/git-clone") {
    const error = cloneError(env);
    return error
      ? {
          exitCode: 1,
          lines: [
            "Traceback (most recent call last):",
            '  File "/app/git_services/init/clone.py", line 1, in <module>',
            error.startsWith("ValueError") || error.startsWith("git_services")
              ? error
              : `dataconf.exceptions.MalformedConfigException: ${error}`,
          ],
        }
      : undefined;
  }
  const error = gitProxyV2Error(env);
  return error ? { exitCode: 1, lines: [`${goLogTime(now)}${error}`] } : undefined;
}

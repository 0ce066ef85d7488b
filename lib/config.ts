/**
 * The only reader of process.env. NB_* variables nest with "__" (NB_SESSIONS__INGRESS__HOST ->
 * sessions.ingress.host), as the reference service's configuration did. One zod schema turns them
 * into a typed Config; a bad value fails the cold start with one error naming every bad variable.
 */
// zod/mini: the same checks, messages and parsing as classic zod, but its schemas keep their methods
// on the prototype instead of binding ~40 per instance, so building this schema, which every cold
// start does, costs ~2 ms instead of ~5.
import * as z from "zod/mini";
import { parseImageRef } from "./registry/reference.js";
import { parseBytes } from "./sessions/quantities.js";

// Every function parses its configuration and request once per container: zod's compiled fast path
// costs more to build on those first parses (about 6 ms for the configuration) than it saves.
// The bundles set this before any module loads (build/esbuild-plugins.cjs); here it covers the rest.
z.config({ jitless: true });

const PREFIX = "NB_";

const bool = (dflt: boolean) =>
  z.prefault(
    z.pipe(
      z.enum(["true", "false", "True", "False", "1", "0"]),
      z.transform((v) => v === "true" || v === "True" || v === "1"),
    ),
    dflt ? "true" : "false",
  );

const int = (dflt: number, min = 0) =>
  z._default(z.coerce.number().check(z.int(), z.gte(min)), dflt);

/** A transform's failure, as classic zod's ctx.addIssue records it (the message is what is read). */
const fail = (payload: z.core.ParsePayload, message: string) => {
  payload.issues.push({ code: "custom", message, input: payload.value });
  return z.NEVER;
};

/** Structured values (maps, lists) are given as JSON strings. */
const json = <T extends z.ZodMiniType>(schema: T, dflt: unknown) =>
  z.prefault(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((raw: string, payload) => {
          try {
            return JSON.parse(raw) as unknown;
          } catch {
            return fail(payload, "is not valid JSON");
          }
        }),
      ),
      schema,
    ),
    JSON.stringify(dflt),
  );

const nonEmpty = () => z.string().check(z.minLength(1));
const str = (dflt: string) => z._default(nonEmpty(), dflt);
/** An image reference in Docker's grammar (as launches parse them). */
const imageRef = (dflt: string) =>
  str(dflt).check(
    z.refine(
      (v) => {
        try {
          parseImageRef(v);
          return true;
        } catch {
          return false;
        }
      },
      { message: "must be an image reference such as registry/name:tag" },
    ),
  );
const optionalStr = () => z.optional(nonEmpty());
const url = () => z.url({ protocol: /^https?$/ });
const hostList = z.array(nonEmpty());

/** Sentry settings of one of the Renku images (images.md: the `SENTRY__*` group is required). */
/** A group of settings: unset as a whole, each setting takes its default. */
const group = <T extends z.core.$ZodLooseShape>(shape: T) =>
  // {} is valid input whenever every setting has a default, which a generic shape cannot show.
  z.prefault(z.strictObject(shape), {} as never);

const sentrySchema = group({
  enabled: bool(false),
  dsn: z._default(z.string(), ""),
  environment: z._default(z.string(), ""),
  sample_rate: z._default(z.coerce.number().check(z.gte(0), z.lte(1)), 0),
});

const cullingSchema = (idle: number, hibernated: number, failed: number) =>
  group({
    idle_seconds: int(idle),
    max_age_seconds: int(0),
    pending_seconds: int(0),
    failed_seconds: int(failed),
    hibernated_seconds: int(hibernated),
  });

const choiceSchema = z.looseObject({
  order: z.number().check(z.int(), z.gte(1)),
  displayName: z.string(),
  type: z.enum(["enum", "boolean"]),
  default: z.union([z.string(), z.number(), z.boolean()]),
  options: z.optional(z.array(z.union([z.string(), z.number()]))),
  allow_any_value: z.optional(z.boolean()),
  value_range: z.optional(
    z.object({ min: z.union([z.string(), z.number()]), max: z.union([z.string(), z.number()]) }),
  ),
});

export const DEFAULT_UI_CHOICES = {
  defaultUrl: {
    order: 1,
    displayName: "Default Environment",
    type: "enum",
    default: "/lab",
    options: ["/lab"],
  },
  cpu_request: {
    order: 2,
    displayName: "Number of CPUs",
    type: "enum",
    default: 0.5,
    options: [0.5, 1.0],
  },
  mem_request: {
    order: 3,
    displayName: "Amount of Memory",
    type: "enum",
    default: "1G",
    options: ["1G", "2G"],
  },
  disk_request: {
    order: 4,
    displayName: "Amount of Storage",
    type: "enum",
    default: "1G",
    options: ["1G", "10G"],
  },
  gpu_request: { order: 5, displayName: "Number of GPUs", type: "enum", default: 0, options: [0] },
  lfs_auto_fetch: {
    order: 6,
    displayName: "Automatically fetch LFS data",
    type: "boolean",
    default: false,
  },
} as const;

export const DEFAULT_SERVER_DEFAULTS = {
  defaultUrl: "/lab",
  cpu_request: 0.5,
  mem_request: "1G",
  disk_request: "1G",
  gpu_request: 0,
  lfs_auto_fetch: false,
} as const;

/** The stage that runs on a developer's machine (offline, invoke local, tests): not strict. */
export const LOCAL_STAGE = "local";

const schema = z.strictObject({
  /**
   * The deployment stage (serverless.yml passes `sls:stage`). Every stage but "local" is strict:
   * it needs ID-token verification or an explicit NB_AUTH__TRUST_GATEWAY (see loadConfig).
   */
  stage: z._default(
    z
      .string()
      .check(z.regex(/^[A-Za-z0-9-]{1,64}$/, "must be a stage name (letters, digits, '-')")),
    LOCAL_STAGE,
  ),
  service_prefix: z._default(
    z.string().check(z.regex(/^(\/[A-Za-z0-9._-]+)+$/, "must look like /notebooks")),
    "/notebooks",
  ),
  log_level: z._default(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    "info",
  ),
  anonymous_sessions_enabled: bool(false),
  keycloak_realm: str("Renku"),
  renku_url: z.optional(url()),
  /** Resource-pool service (D16a); static server options are used when unset. */
  crc_url: z.optional(url()),
  /** Timeout for each call to GitLab, the registry, the cluster and the resource-pool service. */
  upstream_timeout_ms: int(8000, 100),
  server_options: group({
    ui_choices: json(z.record(z.string(), choiceSchema), DEFAULT_UI_CHOICES),
    defaults: json(
      z.looseObject({
        defaultUrl: z.string(),
        lfs_auto_fetch: z.boolean(),
      }),
      DEFAULT_SERVER_DEFAULTS,
    ),
  }),
  auth: group({
    /** When set, the ID token's signature, issuer, audience and expiry are verified (D14). */
    jwks_url: z.optional(url()),
    issuer: optionalStr(),
    audience: optionalStr(),
    /**
     * Outside the local stage, a deployment without JWKS, issuer and audience refuses to start
     * unless this says the gateway's headers are trusted as they come (D14).
     */
    trust_gateway: bool(false),
  }),
  sessions: group({
    default_image: str("renku/singleuser:latest"),
    enforce_cpu_limits: z._default(z.enum(["off", "lax", "strict"]), "off"),
    termination_grace_period_seconds: int(600),
    /** Files larger than this are LFS-tracked by the sidecar's autosave. */
    autosave_minimum_lfs_file_size_bytes: int(1_000_000),
    termination_warning_duration_seconds: int(43200),
    image_default_workdir: str("/home/jovyan"),
    node_selector: json(z.record(z.string(), z.string()), {}),
    affinity: json(z.record(z.string(), z.unknown()), {}),
    tolerations: json(z.array(z.record(z.string(), z.unknown())), []),
    init_containers: json(z.array(z.string()), [
      "init-certificates",
      "download-image",
      "git-clone",
    ]),
    containers: group({
      registered: json(z.array(z.string()), [
        "jupyter-server",
        "oauth2-proxy",
        "git-proxy",
        "git-sidecar",
      ]),
      anonymous: json(z.array(z.string()), ["jupyter-server", "passthrough-proxy", "git-proxy"]),
    }),
    culling: group({
      // A failed session keeps its quota place (and its pod) until culled: a day, an hour (D19).
      registered: cullingSchema(86400, 259200, 86400),
      anonymous: cullingSchema(43200, 1, 3600),
    }),
    git_proxy: group({
      port: int(8080, 1),
      health_port: int(8081, 1),
      image: str("renku/git-https-proxy:1.18.1"),
      renku_client_id: str("renku"),
      renku_client_secret: z._default(z.string(), ""),
    }),
    git_rpc_server: group({
      host: str("0.0.0.0"),
      port: int(4000, 1),
      image: str("renku/git-rpc-server:1.18.1"),
      sentry: sentrySchema,
    }),
    git_clone: group({ image: str("renku/git-clone:1.18.1"), sentry: sentrySchema }),
    ingress: z.prefault(
      z.strictObject({
        host: z
          .string({ error: "is required" })
          .check(z.regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "must be a host name without scheme")),
        tls_secret: optionalStr(),
        /** The scheme of session URLs; TLS is often terminated before the ingress, so https by default. */
        scheme: z._default(z.enum(["https", "http"]), "https"),
        annotations: json(z.record(z.string(), z.string()), {}),
      }),
      // Missing as a whole still reports the host as the missing setting.
      {} as never,
    ),
    ca_certs: group({
      image: str("renku/certificates:latest"),
      path: str("/usr/local/share/ca-certificates"),
      secrets: json(z.array(z.record(z.string(), z.unknown())), []),
    }),
    /** The sessions' oauth2-proxy, pinned: the reference's flags are checked against 7.3.0. */
    oauth2_proxy: group({ image: imageRef("bitnami/oauth2-proxy:7.3.0") }),
    oidc: group({
      client_id: str("renku-jupyterserver"),
      client_secret: z._default(z.string(), ""),
      allow_unverified_email: bool(false),
    }),
    storage: group({
      pvs_enabled: bool(true),
      pvs_storage_class: optionalStr(),
      use_empty_dir_size_limit: bool(false),
    }),
  }),
  amalthea: group({
    group: str("amalthea.dev"),
    version: str("v1alpha1"),
    plural: str("jupyterservers"),
    /**
     * Which custom resource holds sessions: AmaltheaSession (Amalthea >= 0.25), JupyterServer
     * (Amalthea <= 0.24), or both while a cluster migrates (new sessions are AmaltheaSessions).
     */
    backend: z._default(
      z.enum(["amaltheasession", "jupyterserver", "both"], {
        error: "must be amaltheasession, jupyterserver or both",
      }),
      "amaltheasession",
    ),
  }),
  git: group({
    url: z._default(url(), "https://gitlab.com"),
    registry: str("registry.gitlab.com"),
    /** Token of a GitLab service account, used only by the scheduled autosave clean-up. */
    service_token: optionalStr(),
  }),
  registry: group({
    /** Hosts exempt from the SSRF guard (D15): the platform's own registry, local test registries. */
    allowed_hosts: json(hostList, []),
    /** Hosts spoken to over plain http (local registries only). */
    plain_http_hosts: json(hostList, []),
  }),
  k8s: group({
    namespace: z._default(
      z
        .string()
        .check(
          z.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label"),
          z.maxLength(63),
        ),
      "renku",
    ),
    kubeconfig: optionalStr(),
    eks: group({ cluster_name: optionalStr(), region: optionalStr() }),
  }),
  /** Session quotas (issue 14): running or starting sessions; POST answers 429 code 1429 past one. */
  quotas: group({
    sessions_per_user: int(10),
    sessions_per_anonymous_id: int(2),
    anonymous_sessions_total: int(50),
    /** The share of the anonymous total one client address may hold (sourceIp); 0: no share. */
    anonymous_sessions_per_client: int(10),
    /** Launches in progress at once in the deployment (JupyterHub's concurrent_spawn_limit); 0: off. */
    concurrent_spawn_limit: int(0),
    /** A quota place still without its session after this long was left by a launch that died. */
    place_ttl_seconds: int(60, 30),
    /** Optional: the CPU cores a registered user's running or starting sessions may request in all. */
    cpu_per_user: z.optional(z.coerce.number().check(z.positive())),
    /** Optional: the memory (a quantity such as "32Gi") they may request in all, as bytes. */
    memory_per_user: z.optional(
      z.pipe(
        z.string(),
        z.transform((raw: string, payload) => {
          try {
            return parseBytes(raw);
          } catch {
            return fail(payload, "must be a byte quantity such as 32Gi");
          }
        }),
      ),
    ),
    /** Prefix of the ConfigMaps that are the quota places (D19). */
    reservations_name: z._default(
      z
        .string()
        .check(
          z.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label"),
          z.maxLength(40),
        ),
      "renku-notebooks-quota",
    ),
  }),
  autosave: group({
    retention_days: int(14, 1),
    dry_run: bool(false),
    concurrency: int(4, 1),
    ledger_name: str("renku-notebooks-autosave-ledger"),
    /** The function that runs the clean-up on launch off the response path; unset: inline. */
    on_launch_function: optionalStr(),
    /** Lambda's API elsewhere than the region's (serverless offline's lambdaPort). */
    lambda_endpoint: optionalStr(),
  }),
  /** CloudWatch metrics, one EMF line per invocation on stdout (docs/deploy.md, Observability). */
  metrics: group({
    enabled: bool(true),
    namespace: z._default(
      z.string().check(z.regex(/^[A-Za-z0-9._/#:-]{1,255}$/, "must be a CloudWatch namespace")),
      "RenkuNotebooks",
    ),
  }),
  /** X-Ray traces through Powertools Tracer; off unless set (the tracer is then never loaded). */
  tracing: group({ enabled: bool(false) }),
});

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {
  // Minified bundles rename classes; tools that print constructor.name must see this one.
  static {
    Object.defineProperty(ConfigError, "name", { value: "ConfigError" });
  }
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

const envName = (path: readonly PropertyKey[]) =>
  PREFIX + path.map((p) => String(p).toUpperCase()).join("__");

/** NB_A__B_C=v -> {a: {b_c: v}}; empty values count as unset. Non-NB variables are ignored. */
export function nestEnv(env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(PREFIX) || value === undefined || value === "") continue;
    const parts = key.slice(PREFIX.length).toLowerCase().split("__");
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next === "object" && next !== null) node = next as Record<string, unknown>;
      else node = node[part] = {};
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return out;
}

/** The set NB_* variables that nest under `name` (itself, or `name__...`), sorted. */
function variablesUnder(env: Record<string, string | undefined>, name: string): string[] {
  const found = Object.keys(env)
    .filter((key) => env[key] !== undefined && env[key] !== "")
    .filter((key) => {
      const upper = key.toUpperCase();
      return upper === name || upper.startsWith(`${name}__`);
    })
    .sort();
  return found.length > 0 ? found : [name];
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const nested = nestEnv(env);
  // Standard variables that operators and tools already set.
  if (env.KUBECONFIG) {
    const k8s = (nested.k8s ?? {}) as Record<string, unknown>;
    nested.k8s = { kubeconfig: env.KUBECONFIG, ...k8s };
  }
  const result = z.safeParse(schema, nested);
  if (result.success) {
    const strict = strictModeProblems(result.data);
    if (strict.length > 0) throw new ConfigError(strict);
    return result.data;
  }
  const problems = result.error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      // The variables as the user wrote them: NB_SESION__X, not the nested key NB_SESION.
      return issue.keys.flatMap((k) =>
        variablesUnder(env, envName([...issue.path, k])).map((name) => `${name}: unknown setting`),
      );
    }
    return [`${envName(issue.path)}: ${issue.message}`];
  });
  throw new ConfigError(problems);
}

/** Strict mode: a non-local stage verifies ID tokens fully, or says it trusts the gateway. */
export function strictModeProblems(config: Config): string[] {
  if (config.stage === LOCAL_STAGE || config.auth.trust_gateway) return [];
  const missing = (
    [
      ["NB_AUTH__JWKS_URL", config.auth.jwks_url],
      ["NB_AUTH__ISSUER", config.auth.issuer],
      ["NB_AUTH__AUDIENCE", config.auth.audience],
    ] as const
  ).filter(([, value]) => !value);
  return missing.map(
    ([name]) =>
      `${name}: required on stage ${config.stage} (ID tokens are verified outside the local stage; set NB_AUTH__TRUST_GATEWAY=true to trust the gateway's headers instead)`,
  );
}

let cached: Config | undefined;
/** The process's configuration, read once per warm container. */
export function getConfig(): Config {
  cached ??= loadConfig(process.env);
  return cached;
}

/** Every NB_* variable the schema reads, for the docs and the serverless.yml check. */
export function configVariables(): string[] {
  const names: string[] = [];
  const walk = (node: z.ZodMiniType, path: string[]) => {
    let inner: z.ZodMiniType = node;
    // Unwrap defaults and optionals to find nested objects.
    for (;;) {
      const def = (inner as unknown as { def: { type: string; innerType?: z.ZodMiniType } }).def;
      if (
        (def.type === "default" || def.type === "prefault" || def.type === "optional") &&
        def.innerType
      ) {
        inner = def.innerType;
      } else break;
    }
    if (inner instanceof z.ZodMiniObject) {
      for (const [key, child] of Object.entries(inner.shape))
        walk(child as z.ZodMiniType, [...path, key]);
    } else names.push(envName(path));
  };
  walk(schema, []);
  return names;
}

/**
 * The function role's AWS credentials from the standard variables the Lambda runtime sets (EKS
 * access signs with them); undefined when they are absent. Not NB_* settings: nobody configures them.
 */
export function awsEnvCredentials(
  env: Record<string, string | undefined> = process.env,
):
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }
  | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const expires = env.AWS_CREDENTIAL_EXPIRATION
    ? new Date(env.AWS_CREDENTIAL_EXPIRATION)
    : undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(expires && !Number.isNaN(expires.getTime()) ? { expiration: expires } : {}),
  };
}

/**
 * The only reader of process.env. NB_* variables nest with "__" (NB_SESSIONS__INGRESS__HOST ->
 * sessions.ingress.host), as the reference service's configuration did. One zod schema turns them
 * into a typed Config; a bad value fails the cold start with one error naming every bad variable.
 */
// zod/mini: the same checks, messages and parsing as classic zod, but its schemas keep their methods
// on the prototype instead of binding ~40 per instance, so building this schema, which every cold
// start does, costs ~2 ms instead of ~5.
import * as z from "zod/mini";
import { parseImageRef } from "../util/image-ref.js";
import { DNS_LABEL } from "../util/labels.js";
import { parseBytes } from "../util/quantities.js";
import { DEFAULT_SERVER_DEFAULTS, DEFAULT_UI_CHOICES } from "./defaults.js";
import { certificateAuthorityProblem } from "./eks-pin.js";

// Every function parses its configuration and request once per container: zod's compiled fast path
// costs more to build on those first parses (about 6 ms for the configuration) than it saves.
// The bundles set this before any module loads (build/esbuild-plugins.cjs); here it covers the rest.
z.config({ jitless: true });

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

export const schema = z.strictObject({
  /**
   * The deployment stage (serverless.yml passes `sls:stage`). Only a stage named "local" is not
   * strict; unset or empty is strict too: it needs ID-token verification or an explicit
   * NB_AUTH__TRUST_GATEWAY (see loadConfig).
   */
  stage: z.optional(
    z
      .string()
      .check(z.regex(/^[A-Za-z0-9-]{1,64}$/, "must be a stage name (letters, digits, '-')")),
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
    /** v2 (/api/data/sessions): the Keycloak access token's accepted audiences, as data-services has them. */
    access_token_audiences: json(z.array(nonEmpty()), [
      "renku",
      "renku-ui",
      "renku-cli",
      "swagger",
    ]),
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
        /** The IngressClass of AmaltheaSession ingresses; else the `kubernetes.io/ingress.class` annotation's. */
        class_name: optionalStr(),
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
      z.string().check(z.regex(DNS_LABEL, "must be a DNS-1123 label"), z.maxLength(63)),
      "renku",
    ),
    kubeconfig: optionalStr(),
    eks: group({
      cluster_name: optionalStr(),
      region: optionalStr(),
      /**
       * The cluster's API server and CA as DescribeCluster gives them; with both set, cluster
       * access never calls DescribeCluster (nor loads the SDK). Pairing: eks-pin.ts.
       */
      endpoint: z.optional(
        z.url({
          protocol: /^https$/,
          error: "must be an https URL such as https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
        }),
      ),
      certificate_authority: z.optional(
        z.pipe(
          z.string(),
          z.transform((raw: string, payload) => {
            const problem = certificateAuthorityProblem(raw);
            return problem ? fail(payload, problem) : raw;
          }),
        ),
      ),
    }),
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
      z.string().check(z.regex(DNS_LABEL, "must be a DNS-1123 label"), z.maxLength(40)),
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
    /**
     * The function a stop or hibernation of an AmaltheaSession is handed to, which asks the
     * sidecar to autosave before the pod goes (D24); unset: the stop runs inline, as before.
     */
    on_stop_function: optionalStr(),
    /** How long that function waits for the sidecar's autosave; it must fit the function's timeout. */
    on_stop_deadline_seconds: z._default(
      z.coerce.number().check(z.int(), z.gte(1), z.lte(840)),
      300,
    ),
  }),
  /**
   * The v2 sessions API (/api/data/sessions, docs/v2.md): renku-data-services' base URL (launchers,
   * projects, resource pools, usage are read there with the caller's token) and what a launch
   * needs that data-services takes from its own Helm values.
   */
  data_services: group({
    url: z.optional(url()),
    /** The cluster id in the session-name hash; data-services' default cluster is this ULID. */
    cluster_id: z._default(
      z.string().check(z.regex(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/, "must be a ULID")),
      "0RENK1RENK2RENK3RENK4RENK5",
    ),
    git_clone_image: imageRef("renku/git-clone:1.25.3"),
    git_proxy_image: imageRef("renku/git-https-proxy:1.25.3"),
    certificates_image: imageRef("renku/certificates:0.0.2"),
    git_proxy_port: int(65480, 1),
    git_proxy_health_port: int(65481, 1),
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

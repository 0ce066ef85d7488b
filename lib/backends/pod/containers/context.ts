/** What the containers of a session are built from, and the small pieces they share. */
import type { User } from "../../../auth/user.js";
import type { Config } from "../../../config/schema.js";
import type {
  GitlabProject,
  GitlabUser,
  ImageCheck,
  LaunchRequest,
  ResolvedResources,
} from "../../../sessions/types.js";

/** Everything the container builders read, computed once per launch (lib/backends/pod/launch.ts). */
export interface ContainerContext {
  config: Config;
  user: User;
  gitlabUser: GitlabUser | undefined;
  name: string;
  request: LaunchRequest;
  project: GitlabProject;
  image: ImageCheck;
  resources: ResolvedResources;
  /** The project's path slug: the repository lives at /work/<projectPath>. */
  projectPath: string;
  /** The session's root dir without the trailing slash. */
  notebookDir: string;
  /** The session's URL without token. */
  sessionUrl: string;
  /** The git host the session talks to (the user's credentials URL, else config). */
  gitUrl: string;
  /** The pod volume of the session's workspace (its name differs between the two CRDs). */
  workspaceVolume: string;
}

export const envVar = (name: string, value: string | number | boolean | null | undefined) => ({
  name,
  value: value === null || value === undefined ? "" : String(value),
});

/** The in-memory CA bundle that init-certificates builds and the other containers read. */
export const ETC_CERTS_VOLUME = "etc-ssl-certs";
export const ETC_CERTS_PATH = "/etc/ssl/certs/";
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
export const etcCertsMount = (readOnly: boolean) => ({
  name: ETC_CERTS_VOLUME,
  mountPath: ETC_CERTS_PATH,
  readOnly,
});

/** The `<PREFIX>SENTRY__*` group that the Python images' loaders require (images.md). */
export const sentryEnv = (
  prefix: string,
  sentry: { enabled: boolean; dsn: string; environment: string; sample_rate: number },
) => [
  envVar(`${prefix}SENTRY__ENABLED`, sentry.enabled ? "true" : "false"),
  envVar(`${prefix}SENTRY__DSN`, sentry.dsn),
  envVar(`${prefix}SENTRY__ENVIRONMENT`, sentry.environment),
  envVar(`${prefix}SENTRY__SAMPLE_RATE`, sentry.sample_rate),
];

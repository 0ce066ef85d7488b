/** Init containers, in the order the status steps report them (section 4, rows 19-22). */
import {
  CA_BUNDLE,
  type ContainerContext,
  ETC_CERTS_VOLUME,
  envVar,
  etcCertsMount,
  sentryEnv,
} from "./context.js";
import { autosaveAllowed } from "./session.js";

const CUSTOM_CERTS_VOLUME = "custom-ca-certs";

export function initCertificatesContainer(ctx: ContainerContext) {
  const ca = ctx.config.sessions.ca_certs;
  return {
    name: "init-certificates",
    image: ca.image,
    resources: { requests: { cpu: "50m", memory: "50Mi" } },
    volumeMounts: [
      etcCertsMount(false),
      { name: CUSTOM_CERTS_VOLUME, mountPath: ca.path, readOnly: true },
    ],
  };
}

/** The in-memory bundle and the configured custom CA secrets it is built from. */
export function certificateVolumes(ctx: ContainerContext) {
  const sources = ctx.config.sessions.ca_certs.secrets
    .map((s) => s.secret)
    .filter((name): name is string => typeof name === "string" && name.length > 0)
    .map((name) => ({ secret: { name } }));
  return [
    { name: ETC_CERTS_VOLUME, emptyDir: { medium: "Memory" } },
    { name: CUSTOM_CERTS_VOLUME, projected: { defaultMode: 0o440, sources } },
  ];
}

export const downloadImageContainer = (ctx: ContainerContext) => ({
  name: "download-image",
  image: ctx.image.image,
  command: ["sh", "-c"],
  args: ["exit 0"],
  resources: { requests: { cpu: "50m", memory: "50Mi" } },
});

export function gitCloneContainer(ctx: ContainerContext) {
  const { user } = ctx;
  const registered = user.kind === "registered";
  const env = [
    envVar("GIT_CLONE_MOUNT_PATH", `/work/${ctx.projectPath}`),
    envVar("GIT_CLONE_REPOSITORY_URL", ctx.project.http_url_to_repo),
    envVar("GIT_CLONE_LFS_AUTO_FETCH", ctx.resources.lfsAutoFetch ? "1" : "0"),
    envVar("GIT_CLONE_COMMIT_SHA", ctx.request.commitSha),
    envVar("GIT_CLONE_BRANCH", ctx.request.branch),
    envVar("GIT_CLONE_USER__USERNAME", user.username),
    envVar("GIT_CLONE_GIT_AUTOSAVE", autosaveAllowed(ctx) ? "1" : "0"),
    envVar("GIT_CLONE_GIT_URL", ctx.gitUrl),
    envVar("GIT_CLONE_USER__OAUTH_TOKEN", registered ? user.gitToken : ""),
    ...sentryEnv("GIT_CLONE_", ctx.config.sessions.git_clone.sentry),
    envVar("REQUESTS_CA_BUNDLE", CA_BUNDLE),
    envVar("SSL_CERT_FILE", CA_BUNDLE),
  ];
  if (registered) {
    env.push(
      envVar("GIT_CLONE_USER__EMAIL", ctx.gitlabUser?.email ?? user.email),
      envVar("GIT_CLONE_USER__FULL_NAME", ctx.gitlabUser?.name ?? user.fullName),
    );
  }
  return {
    name: "git-clone",
    image: ctx.config.sessions.git_clone.image,
    resources: { requests: { cpu: "100m", memory: "100Mi" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      runAsGroup: 100,
      runAsUser: 1000,
      runAsNonRoot: true,
    },
    volumeMounts: [{ mountPath: "/work", name: ctx.workspaceVolume }, etcCertsMount(true)],
    env,
  };
}

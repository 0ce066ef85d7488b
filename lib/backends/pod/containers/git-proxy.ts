/** The git-proxy sidecar (section 4, row 14; 1.18 style, present for both user kinds). */
import { type ContainerContext, envVar, etcCertsMount } from "./context.js";

export const GIT_PROXY_CONTAINER = "git-proxy";

/** The container itself; the AmaltheaSession backend adds it as an extra container. */
export function gitProxyContainer(ctx: ContainerContext) {
  const { config, user } = ctx;
  const gp = config.sessions.git_proxy;
  const registered = user.kind === "registered";
  const health = { httpGet: { path: "/health", port: gp.health_port }, initialDelaySeconds: 3 };
  return {
    name: GIT_PROXY_CONTAINER,
    image: gp.image,
    securityContext: {
      runAsGroup: 1000,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
    },
    env: [
      envVar("REPOSITORY_URL", ctx.project.http_url_to_repo),
      envVar("GIT_PROXY_PORT", gp.port),
      envVar("GIT_PROXY_HEALTH_PORT", gp.health_port),
      envVar("GITLAB_OAUTH_TOKEN", registered ? user.gitToken : ""),
      // The proxy parses it with strconv.ParseInt: an integer even for anonymous sessions.
      envVar("GITLAB_OAUTH_TOKEN_EXPIRES_AT", registered ? Math.trunc(user.gitTokenExpiresAt) : 0),
      envVar("RENKU_ACCESS_TOKEN", registered ? user.accessToken : ""),
      envVar("RENKU_REFRESH_TOKEN", registered ? user.refreshToken : ""),
      envVar("RENKU_REALM", config.keycloak_realm),
      envVar("RENKU_CLIENT_ID", gp.renku_client_id),
      envVar("RENKU_CLIENT_SECRET", gp.renku_client_secret),
      envVar("RENKU_URL", config.renku_url ?? `https://${config.sessions.ingress.host}`),
      envVar("ANONYMOUS_SESSION", registered ? "false" : "true"),
      envVar(
        "SESSION_TERMINATION_GRACE_PERIOD_SECONDS",
        config.sessions.termination_grace_period_seconds,
      ),
    ],
    livenessProbe: health,
    readinessProbe: health,
    volumeMounts: [etcCertsMount(true)],
    resources: { requests: { memory: "16Mi", cpu: "50m" } },
  };
}

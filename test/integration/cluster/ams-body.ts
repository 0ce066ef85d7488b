/** AmaltheaSession bodies like Renku's (amaltheasession.md §6.2), for the local cluster's tests. */

export const AMS = {
  group: "amalthea.dev",
  version: "v1alpha1",
  plural: "amaltheasessions",
} as const;

export interface AmsBody {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

/** A registered user's session: oauth2proxy auth, ingress, Renku's git-clone and git-proxy. */
export function amaltheaSession(
  name: string,
  opts: {
    image?: string;
    annotations?: Record<string, string>;
    spec?: Record<string, unknown>;
  } = {},
): AmsBody {
  const labels = { "renku.io/safe-username": "user-1", "renku.io/session-type": "interactive" };
  const annotations = { "renku.io/project_id": "01J8Z3K4QW6Y2N5B7C9D0E1F2G" };
  return {
    apiVersion: "amalthea.dev/v1alpha1",
    kind: "AmaltheaSession",
    metadata: { name, labels, annotations: { ...annotations, ...(opts.annotations ?? {}) } },
    spec: {
      hibernated: false,
      reconcileStrategy: "whenFailedOrHibernated",
      session: {
        image: opts.image ?? "renku/renkulab-py:3.10",
        port: 8888,
        urlPath: `/sessions/${name}/lab`,
        workingDir: "/home/jovyan/work",
        runAsUser: 1000,
        runAsGroup: 100,
        storage: { size: "10G", mountPath: "/home/jovyan/work" },
        resources: { requests: { cpu: "500m", memory: "2Gi" } },
        readinessProbe: { type: "tcp" },
      },
      ingress: {
        host: "renku.example.org",
        pathPrefix: `/sessions/${name}`,
        tlsSecret: { name: "renku-tls", adopt: false },
      },
      authentication: {
        enabled: true,
        type: "oauth2proxy",
        secretRef: { name, key: "auth", adopt: true },
      },
      culling: { maxHibernatedDuration: "24h", maxIdleDuration: "24h" },
      initContainers: [
        {
          name: "git-clone",
          image: "renku/git-clone:0.1",
          // What the image's loader needs (images.md), so the simulator lets it run.
          env: envList({
            GIT_CLONE_MOUNT_PATH: "/home/jovyan/work",
            GIT_CLONE_REPOSITORY_URL: "https://gitlab.example.org/alice/demo.git",
            GIT_CLONE_COMMIT_SHA: "0123456789abcdef0123456789abcdef01234567",
            GIT_CLONE_BRANCH: "main",
            GIT_CLONE_GIT_URL: "https://gitlab.example.org",
            GIT_CLONE_USER__USERNAME: "alice",
            GIT_CLONE_SENTRY__ENABLED: "false",
          }),
        },
      ],
      extraContainers: [
        {
          name: "git-proxy",
          image: "renku/git-https-proxy:0.1",
          env: envList({
            RENKU_ACCESS_TOKEN: "",
            RENKU_REFRESH_TOKEN: "",
            RENKU_CLIENT_ID: "renku",
            RENKU_CLIENT_SECRET: "",
            RENKU_REALM: "Renku",
            GITLAB_OAUTH_TOKEN: "",
            GITLAB_OAUTH_TOKEN_EXPIRES_AT: "0",
            REPOSITORY_URL: "https://gitlab.example.org/alice/demo.git",
            RENKU_URL: "https://renku.example.org",
          }),
        },
      ],
      template: { metadata: { labels, annotations } },
      ...(opts.spec ?? {}),
    },
  };
}

function envList(vars: Record<string, string>): Array<{ name: string; value: string }> {
  return Object.entries(vars).map(([name, value]) => ({ name, value }));
}

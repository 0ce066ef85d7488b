/** Real @kubernetes/client-node clients pointed at a fresh local cluster. */
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from "@kubernetes/client-node";
import {
  type LocalCluster,
  type LocalClusterOptions,
  startLocalCluster,
} from "../../local/cluster/index.js";

export const JS = { group: "amalthea.dev", version: "v1alpha1", plural: "jupyterservers" } as const;

export interface Clients {
  cluster: LocalCluster;
  kc: KubeConfig;
  custom: CustomObjectsApi;
  core: CoreV1Api;
  apps: AppsV1Api;
}

export async function startWithClients(opts: LocalClusterOptions = {}): Promise<Clients> {
  const cluster = await startLocalCluster(opts);
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig());
  return {
    cluster,
    kc,
    custom: kc.makeApiClient(CustomObjectsApi),
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
  };
}

export interface StatusLike {
  kind: string;
  apiVersion: string;
  status: string;
  message: string;
  reason: string;
  code: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason: string; message: string; field?: string }>;
  };
}

/** Awaits a call that must fail and returns the HTTP code and the Status body. */
export async function failure(
  call: Promise<unknown>,
): Promise<{ code: number; status: StatusLike; headers: Record<string, string> }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiException) {
      const body =
        typeof err.body === "string"
          ? (JSON.parse(err.body) as StatusLike)
          : (err.body as StatusLike);
      return { code: err.code, status: body, headers: err.headers };
    }
    throw err;
  }
  throw new Error("the call succeeded but a failure was expected");
}

export type JupyterServerBody = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
};

/** A JupyterServer like the service creates: registered (OIDC) with its test and container patches. */
/** The least each Renku image needs to load its configuration (images.md). */
const CLONE_ENV = Object.entries({
  GIT_CLONE_REPOSITORY_URL: "https://gitlab.example.org/alice/demo.git",
  GIT_CLONE_COMMIT_SHA: "abc123",
  GIT_CLONE_BRANCH: "master",
  GIT_CLONE_GIT_URL: "https://gitlab.example.org",
  GIT_CLONE_USER__USERNAME: "alice",
  GIT_CLONE_SENTRY__ENABLED: "false",
}).map(([name, value]) => ({ name, value }));
const PROXY_ENV = [
  "RENKU_ACCESS_TOKEN",
  "RENKU_REFRESH_TOKEN",
  "RENKU_CLIENT_ID",
  "RENKU_CLIENT_SECRET",
  "RENKU_REALM",
  "GITLAB_OAUTH_TOKEN",
  "REPOSITORY_URL",
  "RENKU_URL",
]
  .map((name) => ({ name, value: "" }))
  .concat([{ name: "GITLAB_OAUTH_TOKEN_EXPIRES_AT", value: "0" }]);

export function jupyterServer(
  name: string,
  opts: {
    user?: string;
    image?: string;
    registered?: boolean;
    annotations?: Record<string, string>;
    patches?: unknown[];
    pvc?: boolean;
  } = {},
): JupyterServerBody {
  const registered = opts.registered ?? true;
  const ops: unknown[] = [
    {
      op: "test",
      path: "/statefulset/spec/template/spec/containers/0/name",
      value: "jupyter-server",
    },
    ...(registered
      ? [
          {
            op: "test",
            path: "/statefulset/spec/template/spec/containers/1/name",
            value: "oauth2-proxy",
          },
        ]
      : []),
    {
      op: "add",
      path: "/statefulset/spec/template/spec/initContainers/-",
      value: { name: "init-certificates", image: "renku/certificates:0.0.2" },
    },
    {
      op: "add",
      path: "/statefulset/spec/template/spec/initContainers/-",
      value: {
        name: "download-image",
        image: opts.image ?? "renku/py:3.10",
        command: ["sh", "-c", "exit 0"],
      },
    },
    {
      op: "add",
      path: "/statefulset/spec/template/spec/initContainers/-",
      value: { name: "git-clone", image: "renku/git-clone:0.14.0", env: CLONE_ENV },
    },
    {
      op: "add",
      path: "/statefulset/spec/template/spec/containers/-",
      value: { name: "git-proxy", image: "renku/git-https-proxy:0.14.0", env: PROXY_ENV },
    },
    ...(registered
      ? [
          {
            op: "add",
            path: "/statefulset/spec/template/spec/containers/-",
            value: {
              name: "git-sidecar",
              image: "renku/git-rpc-server:0.14.0",
              env: [{ name: "GIT_RPC_SENTRY__ENABLED", value: "false" }],
            },
          },
        ]
      : []),
  ];
  return {
    apiVersion: "amalthea.dev/v1alpha1",
    kind: "JupyterServer",
    metadata: {
      name,
      labels: { "renku.io/safe-username": opts.user ?? "alice", "renku.io/commit-sha": "abc123" },
      annotations: { "renku.io/username": opts.user ?? "alice", ...(opts.annotations ?? {}) },
    },
    spec: {
      auth: registered
        ? {
            token: "",
            oidc: {
              enabled: true,
              clientId: "renku-jupyterserver",
              clientSecret: { value: "s3cret" },
              issuerUrl: "https://renku.example/auth/realms/Renku",
              authorizedEmails: ["alice@example.com"],
            },
          }
        : { token: "anon-token", oidc: { enabled: false } },
      culling: {
        idleSecondsThreshold: 86400,
        maxAgeSecondsThreshold: 0,
        hibernatedSecondsThreshold: 0,
      },
      jupyterServer: {
        image: opts.image ?? "renku/py:3.10",
        defaultUrl: "/lab",
        rootDir: "/home/jovyan/work/p",
        resources: { requests: { cpu: 0.5, memory: 1000000000 }, limits: { memory: 1000000000 } },
      },
      routing: {
        host: "renku.example",
        path: `/sessions/${name}`,
        tls: { enabled: true, secretName: "tls" },
      },
      storage: {
        size: 1000000000,
        pvc: { enabled: opts.pvc ?? true, mountPath: "/home/jovyan/work" },
      },
      patches: [{ type: "application/json-patch+json", patch: [...ops, ...(opts.patches ?? [])] }],
    },
  };
}

/**
 * Cluster access by configuration (D18): a kubeconfig file (local runs, serverless-offline) or an
 * EKS cluster by name and region (in AWS), its endpoint and CA from DescribeCluster or, when given,
 * from the settings. Nothing is read or fetched until the first call, and the result is cached per
 * warm container; EKS tokens are renewed well before their 15-minute expiry.
 */
// Deep imports keep watch/exec/cp/websocket code out of every function's bundle.
import { isAbsolute } from "node:path";
import { KubeConfig } from "@kubernetes/client-node/dist/config.js";
import type { Cluster, Context, User } from "@kubernetes/client-node/dist/config_types.js";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { CA_VAR, ENDPOINT_VAR } from "../config/eks-pin.js";
import { awsEnvCredentials } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { AppError, configurationError, describeError, upstreamUnavailable } from "../errors.js";
import {
  describeEksCluster,
  type EksClusterInfo,
  type EksClusterSource,
  type EksToken,
  eksToken,
} from "./eks.js";
import type { SdkEksClientOptions } from "./eks-sdk.js";
import { type KubeClient, kubeClient } from "./kube-client.js";

/** The REST client for the cluster (lib/k8s/kube-client.ts). */
export type K8sApis = KubeClient;

export interface ClusterAccess {
  /** Names the cluster in error messages, e.g. `EKS cluster "renku" (eu-central-1)`. */
  readonly label: string;
  /** What to check when the cluster cannot be reached over the network or TLS (the settings to blame). */
  readonly connectionHint?: string;
  /** API clients with valid credentials; rebuilt when the EKS token is renewed. */
  apis(): Promise<K8sApis>;
  kubeConfig(): Promise<KubeConfig>;
  /** Forget cached credentials (after the API server answered 401), so the next call renews them. */
  invalidate(): void;
}

export interface ClusterAccessOptions {
  /** Another DescribeCluster client (the bench's signed fetch); an EKSClient for the region otherwise. */
  eksClient?: EksClusterSource;
  credentials?: AwsCredentialIdentityProvider;
  now?: () => Date;
  /** Renew an EKS token this long before it expires (default 5 minutes). */
  renewBeforeMs?: number;
  /** Bounds each DescribeCluster (with the SDK's retries), so a hung connection cannot outlive API Gateway. */
  timeoutMs?: number;
  /** Another EKS endpoint for the default client (moto, tests, the bench). */
  eksEndpoint?: string;
}

const DEFAULT_RENEW_BEFORE_MS = 5 * 60 * 1000;

/** Plain-http servers (local stand-ins) are refused by client-node unless skipTLSVerify is set. */
function allowPlainHttp(kc: KubeConfig): KubeConfig {
  if (!kc.clusters.some((c) => c.server.startsWith("http:") && !c.skipTLSVerify)) return kc;
  const out = new KubeConfig();
  out.loadFromOptions({
    clusters: kc.clusters.map((c) =>
      c.server.startsWith("http:") ? { ...c, skipTLSVerify: true } : c,
    ),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return out;
}

export function kubeConfigFromFile(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  if (!kc.getCurrentCluster()) throw new Error("the kubeconfig has no current context or cluster");
  return allowPlainHttp(kc);
}

/** A one-cluster kubeconfig with a bearer token (the EKS case). */
export function bearerKubeConfig(opts: {
  name: string;
  server: string;
  caData?: string;
  token: string;
}): KubeConfig {
  const cluster: Cluster = {
    name: opts.name,
    server: opts.server,
    caData: opts.caData,
    skipTLSVerify: opts.server.startsWith("http:"),
  };
  const user: User = { name: "renku-notebooks", token: opts.token };
  const context: Context = { name: opts.name, cluster: opts.name, user: user.name };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [context],
    currentContext: context.name,
  });
  return kc;
}

export function apisFor(kc: KubeConfig): K8sApis {
  return kubeClient(kc);
}

export function clusterAccess(k8s: Config["k8s"], opts: ClusterAccessOptions = {}): ClusterAccess {
  const { cluster_name: clusterName, region, endpoint, certificate_authority: caData } = k8s.eks;
  const pinned = endpoint && caData ? { endpoint, caData } : undefined;
  if (clusterName) return eksAccess(clusterName, region, opts, pinned);
  if (k8s.kubeconfig) return kubeconfigAccess(k8s.kubeconfig);
  return unconfiguredAccess();
}

function unconfiguredAccess(): ClusterAccess {
  const fail = async (): Promise<never> => {
    throw configurationError(
      "No Kubernetes cluster is configured: set NB_K8S__EKS__CLUSTER_NAME and NB_K8S__EKS__REGION, or NB_K8S__KUBECONFIG.",
    );
  };
  return { label: "no cluster", apis: fail, kubeConfig: fail, invalidate: () => {} };
}

function kubeconfigAccess(path: string): ClusterAccess {
  let cached: { kc: KubeConfig; apis: K8sApis } | undefined;
  const load = () => {
    if (!cached) {
      let kc: KubeConfig;
      try {
        kc = kubeConfigFromFile(path);
      } catch (cause) {
        throw configurationError(
          `The kubeconfig ${path} cannot be used (${describeError(cause)}). Point NB_K8S__KUBECONFIG (or KUBECONFIG) at a readable kubeconfig file${isAbsolute(path) ? "" : `; a relative path counts from ${process.cwd()}`}.`,
          { detail: describeError(cause), cause },
        );
      }
      cached = { kc, apis: apisFor(kc) };
    }
    return cached;
  };
  return {
    label: `kubeconfig ${path}`,
    apis: async () => load().apis,
    kubeConfig: async () => load().kc,
    // File credentials (or exec plugins) are read per request by client-node; nothing to renew.
    invalidate: () => {},
  };
}

/** Endpoint and CA from the settings: a stale or mistyped pair shows as TLS or connection errors. */
const PINNED_HINT = `its endpoint and CA are set by ${ENDPOINT_VAR} and ${CA_VAR}: check them against aws eks describe-cluster (docs/deploy.md, 3.4c)`;

function eksAccess(
  clusterName: string,
  region: string | undefined,
  opts: ClusterAccessOptions,
  pinned: EksClusterInfo | undefined,
): ClusterAccess {
  const label = `EKS cluster "${clusterName}"${region ? ` (${region})` : ""}`;
  const now = opts.now ?? (() => new Date());
  const renewBefore = opts.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
  // Given as settings: no DescribeCluster, so the SDK is never loaded either.
  let info: EksClusterInfo | undefined = pinned;
  let eks = opts.eksClient;
  let credentials = opts.credentials;
  let current: { token: EksToken; kc: KubeConfig; apis: K8sApis } | undefined;
  let pending: Promise<{ kc: KubeConfig; apis: K8sApis }> | undefined;

  const unavailable = (step: string, cause: unknown) =>
    upstreamUnavailable(
      `The Kubernetes cluster cannot be reached: ${label}, ${step} failed (${describeError(cause)}).`,
      { cause },
    );

  const refresh = async () => {
    if (!region) {
      throw configurationError(`NB_K8S__EKS__REGION must be set to reach the ${label}.`);
    }
    // One credential provider for DescribeCluster and the token, so both act as the same identity.
    credentials ??= environmentCredentials;
    if (!info) {
      eks ??= lazySdkEksClient({
        region,
        credentials,
        timeoutMs: opts.timeoutMs ?? 8000,
        ...(opts.eksEndpoint ? { endpoint: opts.eksEndpoint } : {}),
      });
      try {
        info = await describeEksCluster(eks, clusterName);
      } catch (cause) {
        throw unavailable("DescribeCluster", cause);
      }
    }
    let token: EksToken;
    try {
      token = await eksToken({ clusterName, region, credentials, now: now() });
    } catch (cause) {
      throw cause instanceof AppError ? cause : unavailable("signing the access token", cause);
    }
    const kc = bearerKubeConfig({
      name: clusterName,
      server: info.endpoint,
      caData: info.caData,
      token: token.token,
    });
    current = { token, kc, apis: apisFor(kc) };
    return current;
  };

  const get = async () => {
    if (current && now().getTime() < current.token.expiresAt.getTime() - renewBefore)
      return current;
    // Concurrent callers of a warm container share one renewal.
    pending ??= refresh().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  return {
    label,
    ...(pinned ? { connectionHint: PINNED_HINT } : {}),
    apis: async () => (await get()).apis,
    kubeConfig: async () => (await get()).kc,
    invalidate: () => {
      current = undefined;
    },
  };
}

/** The function role's credentials, which the Lambda runtime puts in the environment. */
const environmentCredentials: AwsCredentialIdentityProvider = async () => {
  const creds = awsEnvCredentials();
  if (!creds) {
    throw new Error(
      "Could not load credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
    );
  }
  return creds;
};

/**
 * The SDK's EKSClient (eks-sdk.ts), loaded on the first DescribeCluster and kept for the container:
 * cold starts and kubeconfig mode never evaluate @aws-sdk/client-eks.
 */
function lazySdkEksClient(o: SdkEksClientOptions): EksClusterSource {
  let loading: Promise<EksClusterSource> | undefined;
  const client = () => {
    loading ??= import("./eks-sdk.js").then(
      (m) => m.sdkEksClient(o),
      // Kept: a module missing from the runtime stays missing for the container's life.
      (cause: unknown) => {
        throw new Error(
          // Node's "Require stack" lines name local paths: the first line says enough.
          `@aws-sdk/client-eks cannot be loaded (${describeError(cause).split("\n")[0]}); the Lambda runtime provides it (docs/deploy.md)`,
          { cause },
        );
      },
    );
    return loading;
  };
  return { describeCluster: async (name) => (await client()).describeCluster(name) };
}

/**
 * Bundled like a function (test/bench/eks-first.ts builds it with serverless.yml's esbuild options)
 * and run in a fresh process: one first request's cluster access, in the way asked.
 *   sdk        EKS mode as the functions run it (@aws-sdk/client-eks loaded on first use)
 *   signed     EKS mode with the hand-signed DescribeCluster (lib/k8s/eks-describe.ts)
 *   pinned     EKS mode with the endpoint and CA from NB_K8S__EKS__ENDPOINT and
 *              NB_K8S__EKS__CERTIFICATE_AUTHORITY: no DescribeCluster
 *   kubeconfig kubeconfig mode (NB_K8S__KUBECONFIG)
 * With BENCH_EKS_CALL set, the probe then GETs that API path through the access (`called`).
 */
import type { AwsCredentialIdentity } from "@smithy/types";
import { awsEnvCredentials } from "../../lib/config/load.js";
import {
  type ClusterAccess,
  type ClusterAccessOptions,
  clusterAccess,
} from "../../lib/k8s/cluster.js";
import { signedEksClient } from "../../lib/k8s/eks-describe.js";

export type Way = "sdk" | "signed" | "pinned" | "kubeconfig";

/** The first request's `kubeConfig()`: DescribeCluster (unless pinned) and the token in EKS mode. */
export async function firstRequest(way: Way): Promise<{ server?: string; access: ClusterAccess }> {
  const env = process.env;
  const region = env.NB_K8S__EKS__REGION ?? "eu-central-1";
  const eks = {
    cluster_name: way === "kubeconfig" ? undefined : "renku",
    region,
    ...(way === "pinned"
      ? {
          endpoint: env.NB_K8S__EKS__ENDPOINT,
          certificate_authority: env.NB_K8S__EKS__CERTIFICATE_AUTHORITY,
        }
      : {}),
  };
  const credentials = async (): Promise<AwsCredentialIdentity> => {
    const creds = awsEnvCredentials();
    if (!creds) throw new Error("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
    return creds;
  };
  const endpoint = env.BENCH_EKS_ENDPOINT;
  const opts: ClusterAccessOptions = {
    timeoutMs: 8000,
    ...(endpoint ? { eksEndpoint: endpoint } : {}),
  };
  if (way === "signed") {
    opts.credentials = credentials;
    opts.eksClient = signedEksClient({
      region,
      credentials,
      timeoutMs: 8000,
      ...(endpoint ? { endpoint } : {}),
    });
  }
  const access = clusterAccess(
    { namespace: "renku", kubeconfig: env.NB_K8S__KUBECONFIG, eks },
    opts,
  );
  const kc = await access.kubeConfig();
  return { server: kc.getCurrentCluster()?.server, access };
}

/** One GET through the access, after the first request (not timed): what kind of object came back. */
export async function call(access: ClusterAccess, path: string): Promise<unknown> {
  const answer = await (await access.apis()).request<{ kind?: string }>({
    method: "GET",
    path,
    timeoutMs: 8000,
  });
  return answer.kind;
}

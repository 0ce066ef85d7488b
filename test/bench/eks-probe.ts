/**
 * Bundled like a function (test/bench/eks-first.ts builds it with serverless.yml's esbuild options)
 * and run in a fresh process: one first request's cluster access, in the way asked.
 *   sdk        EKS mode as the functions run it (@aws-sdk/client-eks loaded on first use)
 *   signed     EKS mode with the hand-signed DescribeCluster (lib/k8s/eks-describe.ts)
 *   kubeconfig kubeconfig mode (NB_K8S__KUBECONFIG)
 */
import type { AwsCredentialIdentity } from "@smithy/types";
import { awsEnvCredentials } from "../../lib/config/load.js";
import { type ClusterAccessOptions, clusterAccess } from "../../lib/k8s/cluster.js";
import { signedEksClient } from "../../lib/k8s/eks-describe.js";

export type Way = "sdk" | "signed" | "kubeconfig";

/** The first request's `kubeConfig()`: DescribeCluster and the token in EKS mode. */
export async function firstRequest(way: Way): Promise<string | undefined> {
  const env = process.env;
  const region = env.NB_K8S__EKS__REGION ?? "eu-central-1";
  const eks = { cluster_name: way === "kubeconfig" ? undefined : "renku", region };
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
  return kc.getCurrentCluster()?.server;
}

/**
 * DescribeCluster through @aws-sdk/client-eks (the design's EKS client). Only cluster.ts's EKS path
 * imports this module, dynamically, on its first DescribeCluster: esbuild keeps it behind a lazy
 * initialiser whose `require("@aws-sdk/client-eks")` neither cold starts nor kubeconfig mode run.
 * The zips leave the SDK out (serverless.yml, custom.esbuild.exclude): deployed functions load the
 * Lambda runtime's own SDK v3; tests and serverless offline load the locked version.
 */
import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { EksClusterSource } from "./eks.js";

/** Settles with the call, or rejects with the deadline's TimeoutError as soon as it passes. */
function withinDeadline<T>(call: Promise<T>, deadline: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(deadline.reason);
    deadline.addEventListener("abort", onAbort, { once: true });
    const settled = () => deadline.removeEventListener("abort", onAbort);
    call.then(
      (value) => {
        settled();
        resolve(value);
      },
      (err: unknown) => {
        settled();
        reject(deadline.aborted ? deadline.reason : err);
      },
    );
  });
}

export interface SdkEksClientOptions {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  /** Bounds each DescribeCluster, the SDK's own retries included. */
  timeoutMs: number;
  /** Another endpoint (moto, tests); the SDK's regional one otherwise. */
  endpoint?: string;
}

export function sdkEksClient(o: SdkEksClientOptions): EksClusterSource {
  const client = new EKSClient({
    region: o.region,
    credentials: o.credentials,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
  });
  return {
    async describeCluster(name) {
      // One deadline for the whole call: the SDK retries throttling and 5xx within it, and the
      // abort tears the connection down whatever the runtime SDK's own timeout options are.
      const deadline = AbortSignal.timeout(o.timeoutMs);
      return withinDeadline(
        client.send(new DescribeClusterCommand({ name }), { abortSignal: deadline }),
        deadline,
      );
    },
  };
}

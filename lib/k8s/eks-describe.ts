/**
 * EKS DescribeCluster as one SigV4-signed HTTPS GET (REST-JSON: GET /clusters/{name}), without
 * @aws-sdk/client-eks. The functions use the SDK (eks-sdk.ts); this is the bench's comparison for
 * the first EKS-mode request (test/bench/eks-first.ts). Failures keep the SDK's shape.
 */

import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { awsEndpoint, signedRequester } from "../aws/signed-request.js";
import type { DescribeClusterOutput, EksClusterSource } from "./eks.js";

/** The regional EKS API. */
export const eksEndpoint = (region: string): string => awsEndpoint("eks", region);

export function signedEksClient(o: {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  timeoutMs: number;
  /** Another endpoint (moto, tests); the regional one otherwise. */
  endpoint?: string;
}): EksClusterSource {
  const request = signedRequester({ ...o, service: "eks" });
  return {
    async describeCluster(name) {
      const { body } = await request({
        method: "GET",
        path: `/clusters/${encodeURIComponent(name)}`,
        headers: { accept: "application/json" },
      });
      return body as DescribeClusterOutput;
    },
  };
}

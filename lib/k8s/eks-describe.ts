/**
 * EKS DescribeCluster as one SigV4-signed HTTPS GET (REST-JSON: GET /clusters/{name}), so the
 * functions need neither @aws-sdk/client-eks nor the SDK's credential chain in their bundles.
 * Failures keep the SDK's shape (lib/aws/signed-request.ts).
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

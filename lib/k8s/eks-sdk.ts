/**
 * DescribeCluster through @aws-sdk/client-eks, for callers that already hold an EKSClient (tests
 * with aws-sdk-client-mock, moto). The functions use the signed fetch of eks-describe.ts instead,
 * so the SDK (~450 KB minified) stays out of their bundles: import this module nowhere in lib/.
 */
import { DescribeClusterCommand, type EKSClient } from "@aws-sdk/client-eks";
import type { EksClusterSource } from "./eks.js";

export function sdkEksClient(client: EKSClient): EksClusterSource {
  return { describeCluster: (name) => client.send(new DescribeClusterCommand({ name })) };
}

/**
 * EKS access (D18): the cluster's endpoint and CA from DescribeCluster, and a bearer token made the
 * way aws-iam-authenticator and `aws eks get-token` make it: a presigned STS GetCallerIdentity URL
 * carrying the signed header `x-k8s-aws-id: <cluster>`, as `k8s-aws-v1.` + unpadded base64url.
 */

import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { NodeSha256 } from "../util/node-sha256.js";

/** Presigned URLs are signed for 60 s; the API server accepts the token for 15 minutes after signing. */
export const PRESIGN_EXPIRES_SECONDS = 60;
export const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
export const TOKEN_PREFIX = "k8s-aws-v1.";
const CLUSTER_ID_HEADER = "x-k8s-aws-id";

export interface EksClusterInfo {
  endpoint: string;
  /** Base64 PEM bundle, as DescribeCluster returns it. */
  caData: string;
}

export interface EksToken {
  token: string;
  /** When the API server stops accepting the token (or the signing credentials expire). */
  expiresAt: Date;
}

/** What DescribeCluster answers, as far as the service reads it. */
export interface DescribeClusterOutput {
  cluster?: { endpoint?: string; certificateAuthority?: { data?: string }; status?: string };
}

/** DescribeCluster, by whatever client: the SDK (eks-sdk.ts) or the bench's signed fetch (eks-describe.ts). */
export interface EksClusterSource {
  describeCluster(name: string): Promise<DescribeClusterOutput>;
}

export async function describeEksCluster(
  client: EksClusterSource,
  name: string,
): Promise<EksClusterInfo> {
  const out = await client.describeCluster(name);
  const endpoint = out.cluster?.endpoint;
  const caData = out.cluster?.certificateAuthority?.data;
  if (!endpoint || !caData) {
    const status = out.cluster?.status ?? "unknown";
    throw new Error(`cluster has no endpoint or certificate authority yet (status ${status})`);
  }
  return { endpoint, caData };
}

/** The regional STS host; China regions live under amazonaws.com.cn. */
export function stsHost(region: string): string {
  return `sts.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

export async function eksToken(opts: {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  now?: Date;
}): Promise<EksToken> {
  const signingDate = opts.now ?? new Date();
  const host = stsHost(opts.region);
  // Resolve once so the expiry can account for short-lived session credentials.
  const creds = await opts.credentials();
  const signer = new SignatureV4({
    credentials: creds,
    region: opts.region,
    service: "sts",
    sha256: NodeSha256,
  });
  const signed = await signer.presign(
    {
      method: "GET",
      protocol: "https:",
      hostname: host,
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers: { host, [CLUSTER_ID_HEADER]: opts.clusterName },
    },
    { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate },
  );
  const url = new URL(`https://${host}/`);
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== null && v !== undefined) url.searchParams.append(key, v);
    }
  }
  const token = TOKEN_PREFIX + Buffer.from(url.toString(), "utf8").toString("base64url");
  let expiresAt = signingDate.getTime() + TOKEN_LIFETIME_MS;
  if (creds.expiration) expiresAt = Math.min(expiresAt, creds.expiration.getTime());
  return { token, expiresAt: new Date(expiresAt) };
}

/** The presigned URL inside a token (for tests and diagnostics; the URL holds no secret key). */
export function decodeEksToken(token: string): URL {
  if (!token.startsWith(TOKEN_PREFIX)) throw new Error("not an EKS token");
  return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8"));
}

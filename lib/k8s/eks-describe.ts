/**
 * EKS DescribeCluster as one SigV4-signed HTTPS GET (REST-JSON: GET /clusters/{name}), so the
 * functions need neither @aws-sdk/client-eks nor the SDK's credential chain in their bundles.
 * Failures keep the SDK's shape: an Error named by x-amzn-ErrorType with the service's message, a
 * TimeoutError when the bound passes.
 */

import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { trimTrailingSlashes } from "../trim.js";
import type { DescribeClusterOutput, EksClusterSource } from "./eks.js";
import { NodeSha256 } from "./node-sha256.js";

/** The regional EKS API; China regions live under amazonaws.com.cn. */
export function eksEndpoint(region: string): string {
  return `https://eks.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

export function signedEksClient(o: {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  timeoutMs: number;
  /** Another endpoint (moto, tests); the regional one otherwise. */
  endpoint?: string;
}): EksClusterSource {
  const base = new URL(o.endpoint ?? eksEndpoint(o.region));
  const signer = new SignatureV4({
    credentials: o.credentials,
    region: o.region,
    service: "eks",
    sha256: NodeSha256,
  });
  return {
    async describeCluster(name) {
      const path = `${trimTrailingSlashes(base.pathname)}/clusters/${encodeURIComponent(name)}`;
      const signed = await signer.sign({
        method: "GET",
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port ? Number(base.port) : undefined,
        path,
        headers: { host: base.host, accept: "application/json" },
      });
      const res = await fetch(new URL(path, base), {
        method: "GET",
        headers: signed.headers,
        signal: AbortSignal.timeout(o.timeoutMs),
      });
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        // A proxy's HTML error page: the status says enough.
      }
      if (!res.ok) {
        const type = res.headers.get("x-amzn-errortype")?.split(":")[0] || `HTTP ${res.status}`;
        const message = body.message ?? body.Message;
        const err = new Error(typeof message === "string" ? message : `HTTP ${res.status}`);
        err.name = type;
        throw err;
      }
      return body as DescribeClusterOutput;
    },
  };
}

/**
 * Lambda's Invoke API with InvocationType Event, as one SigV4-signed POST (signed as DescribeCluster
 * is, lib/k8s/eks-describe.ts): Lambda queues the event and answers 202 at once, so the caller does
 * not wait for the work. serverless offline serves the same API on its lambdaPort.
 */
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { NodeSha256 } from "../k8s/node-sha256.js";
import { trimTrailingSlashes } from "../trim.js";

/** The regional Lambda API; China regions live under amazonaws.com.cn. */
export function lambdaEndpoint(region: string): string {
  return `https://lambda.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

export type AsyncInvoker = (functionName: string, payload: unknown) => Promise<void>;

export function signedAsyncInvoker(o: {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  timeoutMs: number;
  /** Another endpoint (serverless offline, tests); the regional one otherwise. */
  endpoint?: string | undefined;
}): AsyncInvoker {
  const base = new URL(o.endpoint ?? lambdaEndpoint(o.region));
  const signer = new SignatureV4({
    credentials: o.credentials,
    region: o.region,
    service: "lambda",
    sha256: NodeSha256,
  });
  return async (functionName, payload) => {
    const path = `${trimTrailingSlashes(base.pathname)}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;
    const body = JSON.stringify(payload);
    const signed = await signer.sign({
      method: "POST",
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port ? Number(base.port) : undefined,
      path,
      headers: {
        host: base.host,
        "content-type": "application/json",
        "x-amz-invocation-type": "Event",
      },
      body,
    });
    const res = await fetch(new URL(path, base), {
      method: "POST",
      headers: signed.headers,
      body,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    const text = await res.text();
    if (res.status === 202) return;
    let message: unknown;
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      message = json.message ?? json.Message;
    } catch {
      // A proxy's HTML error page: the status says enough.
    }
    const err = new Error(typeof message === "string" ? message : `HTTP ${res.status}`);
    err.name = res.headers.get("x-amzn-errortype")?.split(":")[0] || `HTTP ${res.status}`;
    throw err;
  };
}

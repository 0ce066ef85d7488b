/**
 * One SigV4-signed call to an AWS REST-JSON API (EKS DescribeCluster, Lambda Invoke) without the
 * SDK. Failures keep the SDK's shape: an Error named by x-amzn-ErrorType with the service's
 * message, a TimeoutError when the bound passes.
 */
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { httpFetch } from "../util/node-fetch.js";
import { NodeSha256 } from "../util/node-sha256.js";
import { trimTrailingSlashes } from "../util/trim.js";

/** The regional endpoint of a service; China regions live under amazonaws.com.cn. */
export function awsEndpoint(service: string, region: string): string {
  return `https://${service}.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

/** Sends the request; resolves with the status and the parsed JSON body (empty if none). */
export type SignedRequester = (req: {
  method: "GET" | "POST";
  /** Below the endpoint's own path. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Statuses that count as success (default: any 2xx). */
  ok?: (status: number) => boolean;
}) => Promise<{ status: number; body: Record<string, unknown> }>;

export function signedRequester(o: {
  service: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  timeoutMs: number;
  /** Another endpoint (moto, serverless offline, tests); the regional one otherwise. */
  endpoint?: string | undefined;
}): SignedRequester {
  const base = new URL(o.endpoint ?? awsEndpoint(o.service, o.region));
  const signer = new SignatureV4({
    credentials: o.credentials,
    region: o.region,
    service: o.service,
    sha256: NodeSha256,
  });
  return async (req) => {
    const path = `${trimTrailingSlashes(base.pathname)}${req.path}`;
    const signed = await signer.sign({
      method: req.method,
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port ? Number(base.port) : undefined,
      path,
      headers: { host: base.host, ...req.headers },
      ...(req.body === undefined ? {} : { body: req.body }),
    });
    const deadline = AbortSignal.timeout(o.timeoutMs);
    let res: Awaited<ReturnType<typeof httpFetch>>;
    let text: string;
    try {
      res = await httpFetch(new URL(path, base), {
        method: req.method,
        headers: signed.headers,
        ...(req.body === undefined ? {} : { body: req.body }),
        signal: deadline,
      });
      text = await res.text();
    } catch (err) {
      // node-fetch reports any abort as AbortError; the deadline's own TimeoutError says why.
      throw deadline.aborted ? deadline.reason : err;
    }
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // A proxy's HTML error page: the status says enough.
    }
    if (!(req.ok ?? ((s) => s >= 200 && s < 300))(res.status)) {
      const message = body.message ?? body.Message;
      const err = new Error(typeof message === "string" ? message : `HTTP ${res.status}`);
      err.name = res.headers.get("x-amzn-errortype")?.split(":")[0] || `HTTP ${res.status}`;
      throw err;
    }
    return { status: res.status, body };
  };
}

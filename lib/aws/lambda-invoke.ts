/**
 * Lambda's Invoke API with InvocationType Event, as one SigV4-signed POST (signed as DescribeCluster
 * is, lib/k8s/eks-describe.ts): Lambda queues the event and answers 202 at once, so the caller does
 * not wait for the work. serverless offline serves the same API on its lambdaPort.
 */
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { signedRequester } from "./signed-request.js";

export type AsyncInvoker = (functionName: string, payload: unknown) => Promise<void>;

export function signedAsyncInvoker(o: {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  timeoutMs: number;
  /** Another endpoint (serverless offline, tests); the regional one otherwise. */
  endpoint?: string | undefined;
}): AsyncInvoker {
  const request = signedRequester({ ...o, service: "lambda" });
  return async (functionName, payload) => {
    await request({
      method: "POST",
      path: `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
      headers: { "content-type": "application/json", "x-amz-invocation-type": "Event" },
      body: JSON.stringify(payload),
      // An asynchronous invocation is accepted with 202 and nothing else.
      ok: (status) => status === 202,
    });
  };
}

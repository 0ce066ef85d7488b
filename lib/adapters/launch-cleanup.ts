/**
 * Where the clean-up on launch runs: handed to NB_AUTOSAVE__ON_LAUNCH_FUNCTION through Lambda's
 * Invoke API (InvocationType Event) when it is set, inline otherwise. The receiving function acts
 * with the service token, which every function of a stage is given: without one, inline.
 */
import type { LaunchCleanupHandOff } from "../autosave/hand-off.js";
import { type AsyncInvoker, signedAsyncInvoker } from "../aws/lambda-invoke.js";
import { awsEnvCredentials } from "../config/load.js";
import type { Config } from "../config/schema.js";
import type { Adapter } from "./deps.js";

// serverless offline does not check signatures; the runtime always provides credentials.
const OFFLINE_CREDENTIALS = { accessKeyId: "offline", secretAccessKey: "offline" };

/** Lambda's Invoke API (InvocationType Event) as the stage reaches it; also the stop's (D24). */
export function lambdaInvoker(config: Config): AsyncInvoker {
  const endpoint = config.autosave.lambda_endpoint;
  return signedAsyncInvoker({
    region: process.env.AWS_REGION ?? config.k8s.eks.region ?? "us-east-1",
    credentials: async () => {
      const creds = awsEnvCredentials() ?? (endpoint ? OFFLINE_CREDENTIALS : undefined);
      if (!creds) throw new Error("no AWS credentials in the environment");
      return creds;
    },
    timeoutMs: config.upstream_timeout_ms,
    endpoint,
  });
}

export const launchCleanup: Adapter<"launchCleanup"> = ({
  config,
}): LaunchCleanupHandOff | undefined => {
  const functionName = config.autosave.on_launch_function;
  if (!functionName || !config.git.service_token) return undefined;
  const invoke = lambdaInvoker(config);
  return (job) => invoke(functionName, { launchCleanup: job });
};

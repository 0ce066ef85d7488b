/** Loading the configuration: NB_* variables checked against the schema, once per container. */
import * as z from "zod/mini";
import { LOCAL_STAGE } from "./defaults.js";
import { eksPinProblems } from "./eks-pin.js";
import { envName, nestEnv, variablesUnder } from "./env.js";
import { type Config, schema } from "./schema.js";

export class ConfigError extends Error {
  // Minified bundles rename classes; tools that print constructor.name must see this one.
  static {
    Object.defineProperty(ConfigError, "name", { value: "ConfigError" });
  }
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const nested = nestEnv(env);
  // Standard variables that operators and tools already set.
  if (env.KUBECONFIG) {
    const k8s = (nested.k8s ?? {}) as Record<string, unknown>;
    nested.k8s = { kubeconfig: env.KUBECONFIG, ...k8s };
  }
  const result = z.safeParse(schema, nested);
  // Settings that only make sense together, told alongside any other problem.
  const pairing = eksPinProblems((nested.k8s as Record<string, unknown> | undefined)?.eks);
  if (result.success) {
    const strict = [...pairing, ...strictModeProblems(result.data)];
    if (strict.length > 0) throw new ConfigError(strict);
    return result.data;
  }
  const problems = result.error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      // The variables as the user wrote them: NB_SESION__X, not the nested key NB_SESION.
      return issue.keys.flatMap((k) =>
        variablesUnder(env, envName([...issue.path, k])).map((name) => `${name}: unknown setting`),
      );
    }
    return [`${envName(issue.path)}: ${issue.message}`];
  });
  throw new ConfigError([...problems, ...pairing]);
}

/** Strict mode: every stage but "local" (unset included) verifies ID tokens fully, or says it trusts the gateway. */
export function strictModeProblems(config: Config): string[] {
  if (config.stage === LOCAL_STAGE || config.auth.trust_gateway) return [];
  const missing = (
    [
      ["NB_AUTH__JWKS_URL", config.auth.jwks_url],
      ["NB_AUTH__ISSUER", config.auth.issuer],
      ["NB_AUTH__AUDIENCE", config.auth.audience],
    ] as const
  ).filter(([, value]) => !value);
  return missing.map(
    ([name]) =>
      `${name}: required on ${config.stage ? `stage ${config.stage}` : "a stage not named (NB_STAGE unset)"} (ID tokens are verified outside the local stage; set NB_AUTH__TRUST_GATEWAY=true to trust the gateway's headers instead)`,
  );
}

let cached: Config | undefined;
/** The process's configuration, read once per warm container. */
export function getConfig(): Config {
  cached ??= loadConfig(process.env);
  return cached;
}

/**
 * The function role's AWS credentials from the standard variables the Lambda runtime sets (EKS
 * access signs with them); undefined when they are absent. Not NB_* settings: nobody configures them.
 */
export function awsEnvCredentials(
  env: Record<string, string | undefined> = process.env,
):
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }
  | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const expires = env.AWS_CREDENTIAL_EXPIRATION
    ? new Date(env.AWS_CREDENTIAL_EXPIRATION)
    : undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(expires && !Number.isNaN(expires.getTime()) ? { expiration: expires } : {}),
  };
}

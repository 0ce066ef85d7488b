/**
 * serverless.yml resolves offline, without AWS credentials, for a local run and for a deployed stage,
 * and says what the deploy guide promises: secrets as Secrets Manager dynamic references, IAM
 * limited to DescribeCluster on the one cluster, an optional VPC per stage, sized functions.
 */
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const STAGE = `t${process.pid}`;
const VPC_FILE = `${ROOT}deploy/vpc.${STAGE}.yml`;

interface Printed {
  provider: {
    runtime: string;
    architecture: string;
    stage: string;
    vpc: unknown;
    environment: Record<string, string>;
    iam: { role: { statements: Array<{ Effect: string; Action: string[]; Resource: unknown }> } };
  };
  functions: Record<string, { handler: string; memorySize?: number; timeout?: number }>;
}

async function print(stage: string, env: Record<string, string>): Promise<Printed> {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // No AWS credentials or NB_* settings leak in from the machine running the tests.
    if (v !== undefined && !k.startsWith("AWS_") && !k.startsWith("NB_") && k !== "KUBECONFIG")
      clean[k] = v;
  }
  const args = ["print", "--format", "json", "--stage", stage];
  const { stdout } = await promisify(execFile)(`${ROOT}node_modules/.bin/serverless`, args, {
    cwd: ROOT,
    env: {
      ...clean,
      ...env,
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    },
    maxBuffer: 20 * 1024 * 1024,
  });
  return JSON.parse(stdout.slice(stdout.indexOf("{"))) as Printed;
}

// CloudFormation's own ${...} syntax, spelled without a template-looking literal.
const FN_SUB_ARN = ["Partition", "Region", "AccountId"]
  .map((p) => ["$", `{AWS::${p}}`].join(""))
  .reduce((arn, v, i) => arn.replace(`<${i}>`, v), "arn:<0>:eks:<1>:<2>:cluster/renku-prod");

let local: Printed;
let deployed: Printed;

beforeAll(async () => {
  writeFileSync(VPC_FILE, "securityGroupIds: [sg-1]\nsubnetIds: [subnet-1, subnet-2]\n");
  [local, deployed] = await Promise.all([
    print("local", { NB_SESSIONS__OIDC__CLIENT_SECRET: "from-the-shell" }),
    print(STAGE, {
      NB_K8S__EKS__CLUSTER_NAME: "renku-prod",
      NB_K8S__EKS__ENDPOINT: "https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
      NB_K8S__EKS__CERTIFICATE_AUTHORITY: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
      NB_SESSIONS__OIDC__CLIENT_SECRET: "ignored",
    }),
  ]);
});

afterAll(() => rmSync(VPC_FILE, { force: true }));

describe("serverless.yml", () => {
  it("tells the functions their stage, which decides strict mode", () => {
    expect(local.provider.environment.NB_STAGE).toBe("local");
    expect(deployed.provider.environment.NB_STAGE).toBe(STAGE);
  });

  it("takes secrets from the shell for local runs", () => {
    expect(local.provider.environment.NB_SESSIONS__OIDC__CLIENT_SECRET).toBe("from-the-shell");
    expect(local.provider.environment.NB_GIT__SERVICE_TOKEN).toBe("");
    expect(local.provider.vpc).toBeNull();
  });

  it("makes every secret a Secrets Manager dynamic reference on a deployed stage", () => {
    const env = deployed.provider.environment;
    const ref = (key: string) =>
      `{{resolve:secretsmanager:renku-notebooks/${STAGE}:SecretString:${key}}}`;
    expect(env.NB_SESSIONS__OIDC__CLIENT_SECRET).toBe(ref("oidc_client_secret"));
    expect(env.NB_GIT__SERVICE_TOKEN).toBe(ref("gitlab_service_token"));
    expect(env.NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET).toBe(ref("git_proxy_client_secret"));
    expect(JSON.stringify(deployed)).not.toContain("ignored");
  });

  it("grants the functions only DescribeCluster on the configured cluster", () => {
    expect(deployed.provider.iam.role.statements).toEqual([
      {
        Effect: "Allow",
        Action: ["eks:DescribeCluster"],
        Resource: {
          "Fn::Sub": FN_SUB_ARN,
        },
      },
    ]);
    expect(deployed.provider.environment.NB_K8S__EKS__CLUSTER_NAME).toBe("renku-prod");
    expect(deployed.provider.environment.NB_K8S__EKS__REGION).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
  });

  it("passes the cluster's endpoint and CA from the shell, and leaves them unset otherwise", () => {
    expect(deployed.provider.environment).toMatchObject({
      NB_K8S__EKS__ENDPOINT: "https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
      NB_K8S__EKS__CERTIFICATE_AUTHORITY: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
    });
    expect(local.provider.environment).toMatchObject({
      NB_K8S__EKS__ENDPOINT: "",
      NB_K8S__EKS__CERTIFICATE_AUTHORITY: "",
    });
  });

  it("puts the functions in a VPC only when the stage has a VPC file", () => {
    expect(deployed.provider.vpc).toEqual({
      securityGroupIds: ["sg-1"],
      subnetIds: ["subnet-1", "subnet-2"],
    });
  });

  // Not nodejs20.x: Lambda no longer creates or updates functions on it (docs/deploy.md, 3.4).
  it("runs Node 24 and sizes every function within API Gateway's 30 s", () => {
    expect(deployed.provider.runtime).toBe("nodejs24.x");
    expect(deployed.provider.architecture).toBe("arm64");
    for (const [name, fn] of Object.entries(deployed.functions)) {
      expect(fn.memorySize, name).toBeGreaterThanOrEqual(256);
      // The jobs no request waits for: the scheduled clean-up and the handed-off stop (D24).
      const limit = name === "autosaveCleanup" || name === "sessionStop" ? 900 : 29;
      expect(fn.timeout, name).toBeLessThanOrEqual(limit);
    }
  });
});

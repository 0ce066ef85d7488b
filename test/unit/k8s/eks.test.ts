import { createHash, createHmac } from "node:crypto";
import { DescribeClusterCommand, EKSClient, ResourceNotFoundException } from "@aws-sdk/client-eks";
import type { AwsCredentialIdentity } from "@smithy/types";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../lib/config/load.js";
import { AppError } from "../../../lib/errors.js";
import { clusterAccess } from "../../../lib/k8s/cluster.js";
import { decodeEksToken, eksToken, stsHost } from "../../../lib/k8s/eks.js";

const ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN = "FQoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789abcdefghijklmnopqrstuvwxyz";
const CA = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString(
  "base64",
);

const eksMock = mockClient(EKSClient);
afterEach(() => eksMock.reset());

function k8sConfig(eks: Record<string, string>) {
  const env: Record<string, string> = {
    NB_STAGE: "local",
    NB_SESSIONS__INGRESS__HOST: "h.example.org",
  };
  for (const [k, v] of Object.entries(eks)) env[`NB_K8S__EKS__${k.toUpperCase()}`] = v;
  return loadConfig(env).k8s;
}

function countingCredentials(creds: Partial<AwsCredentialIdentity> = {}) {
  const calls = { n: 0 };
  const provider = async (): Promise<AwsCredentialIdentity> => {
    calls.n++;
    return { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_KEY, ...creds };
  };
  return { provider, calls };
}

function describeOk() {
  eksMock.on(DescribeClusterCommand).resolves({
    cluster: {
      name: "renku",
      status: "ACTIVE",
      endpoint: "https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
      certificateAuthority: { data: CA },
    },
  });
}

function clock(start: string) {
  const t = { ms: Date.parse(start) };
  return { now: () => new Date(t.ms), advanceMinutes: (m: number) => (t.ms += m * 60_000) };
}

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

function tokenOf(kc: Awaited<ReturnType<ReturnType<typeof clusterAccess>["kubeConfig"]>>) {
  const token = kc.getCurrentUser()?.token;
  expect(token).toBeTypeOf("string");
  return token as string;
}

describe("the EKS token", () => {
  it("is k8s-aws-v1. + unpadded base64url of a presigned STS GetCallerIdentity URL", async () => {
    const { token } = await eksToken({
      clusterName: "renku",
      region: "eu-central-1",
      credentials: async () => ({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_KEY }),
      now: new Date("2025-01-02T03:04:05Z"),
    });
    expect(token.startsWith("k8s-aws-v1.")).toBe(true);
    expect(token.slice("k8s-aws-v1.".length)).toMatch(/^[A-Za-z0-9_-]+$/);

    const url = decodeEksToken(token);
    const q = url.searchParams;
    expect(url.protocol).toBe("https:");
    expect(url.host).toBe("sts.eu-central-1.amazonaws.com");
    expect(url.pathname).toBe("/");
    expect(q.get("Action")).toBe("GetCallerIdentity");
    expect(q.get("Version")).toBe("2011-06-15");
    expect(q.get("X-Amz-Expires")).toBe("60");
    expect(q.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(q.get("X-Amz-Date")).toBe("20250102T030405Z");
    expect(q.get("X-Amz-Credential")).toBe(
      `${ACCESS_KEY_ID}/20250102/eu-central-1/sts/aws4_request`,
    );
    expect(q.get("X-Amz-SignedHeaders")?.split(";")).toEqual(["host", "x-k8s-aws-id"]);
    expect(q.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    // The secret key never travels; only its signature does.
    expect(url.toString()).not.toContain(SECRET_KEY);
  });

  it("carries a signature STS would accept (SigV4 recomputed by hand)", async () => {
    const { token } = await eksToken({
      clusterName: "renku",
      region: "eu-central-1",
      credentials: async () => ({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_KEY }),
      now: new Date("2025-01-02T03:04:05Z"),
    });
    const url = decodeEksToken(token);
    const params = [...url.searchParams.entries()].filter(([k]) => k !== "X-Amz-Signature");
    const enc = (s: string) =>
      encodeURIComponent(s).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
    const canonicalQuery = params
      .map(([k, v]) => [enc(k), enc(v)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    const canonicalRequest = [
      "GET",
      "/",
      canonicalQuery,
      "host:sts.eu-central-1.amazonaws.com\nx-k8s-aws-id:renku\n",
      "host;x-k8s-aws-id",
      sha(""),
    ].join("\n");
    const scope = "20250102/eu-central-1/sts/aws4_request";
    const toSign = ["AWS4-HMAC-SHA256", "20250102T030405Z", scope, sha(canonicalRequest)].join(
      "\n",
    );
    const hmac = (key: string | Buffer, data: string) =>
      createHmac("sha256", key).update(data).digest();
    let key = hmac(`AWS4${SECRET_KEY}`, "20250102");
    for (const part of ["eu-central-1", "sts", "aws4_request"]) key = hmac(key, part);
    expect(url.searchParams.get("X-Amz-Signature")).toBe(
      createHmac("sha256", key).update(toSign).digest("hex"),
    );
  });

  it("includes the session token of temporary credentials and expires with them", async () => {
    const now = new Date("2025-01-02T03:04:05Z");
    const expiration = new Date(now.getTime() + 5 * 60_000);
    const { token, expiresAt } = await eksToken({
      clusterName: "renku",
      region: "us-east-1",
      credentials: async () => ({
        accessKeyId: "ASIAIOSFODNN7EXAMPLE",
        secretAccessKey: SECRET_KEY,
        sessionToken: SESSION_TOKEN,
        expiration,
      }),
      now,
    });
    expect(decodeEksToken(token).searchParams.get("X-Amz-Security-Token")).toBe(SESSION_TOKEN);
    expect(expiresAt.toISOString()).toBe(expiration.toISOString());
  });

  it("is valid for 15 minutes when the credentials last longer", async () => {
    const now = new Date("2025-01-02T03:04:05Z");
    const { expiresAt } = await eksToken({
      clusterName: "renku",
      region: "us-east-1",
      credentials: async () => ({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_KEY }),
      now,
    });
    expect(expiresAt.getTime() - now.getTime()).toBe(15 * 60_000);
  });

  it("signs against the regional STS host, including China regions", () => {
    expect(stsHost("eu-west-1")).toBe("sts.eu-west-1.amazonaws.com");
    expect(stsHost("cn-north-1")).toBe("sts.cn-north-1.amazonaws.com.cn");
  });
});

describe("EKS cluster access", () => {
  it("builds a kubeconfig from DescribeCluster's endpoint and CA with a bearer token", async () => {
    describeOk();
    const { provider } = countingCredentials();
    const access = clusterAccess(k8sConfig({ cluster_name: "renku", region: "eu-central-1" }), {
      credentials: provider,
    });
    const kc = await access.kubeConfig();
    expect(kc.getCurrentCluster()?.server).toBe(
      "https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
    );
    expect(kc.getCurrentCluster()?.caData).toBe(CA);
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(false);
    const url = decodeEksToken(tokenOf(kc));
    expect(url.searchParams.get("Action")).toBe("GetCallerIdentity");
    expect(eksMock.commandCalls(DescribeClusterCommand)[0]?.args[0].input).toEqual({
      name: "renku",
    });
    expect(access.label).toBe('EKS cluster "renku" (eu-central-1)');
  });

  it("caches cluster data and token in a warm container and renews the token before expiry", async () => {
    describeOk();
    const { provider, calls } = countingCredentials();
    const c = clock("2025-01-02T03:00:00Z");
    const access = clusterAccess(k8sConfig({ cluster_name: "renku", region: "eu-central-1" }), {
      credentials: provider,
      now: c.now,
    });
    const first = tokenOf(await access.kubeConfig());
    c.advanceMinutes(9);
    const apis = await access.apis();
    expect(tokenOf(await access.kubeConfig())).toBe(first);
    expect(await access.apis()).toBe(apis);
    expect(calls.n).toBe(1);

    c.advanceMinutes(2); // 11 minutes: within 5 minutes of the 15-minute expiry
    const renewed = tokenOf(await access.kubeConfig());
    expect(renewed).not.toBe(first);
    expect(decodeEksToken(renewed).searchParams.get("X-Amz-Date")).toBe("20250102T031100Z");
    expect(await access.apis()).not.toBe(apis);
    expect(calls.n).toBe(2);
    // The endpoint and CA do not change; DescribeCluster is asked once per container.
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(1);
  });

  it("shares one renewal between concurrent callers", async () => {
    describeOk();
    const { provider, calls } = countingCredentials();
    const access = clusterAccess(k8sConfig({ cluster_name: "renku", region: "eu-central-1" }), {
      credentials: provider,
    });
    const all = await Promise.all([access.apis(), access.apis(), access.apis()]);
    expect(new Set(all).size).toBe(1);
    expect(calls.n).toBe(1);
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(1);
  });

  it("renews after invalidate() (the API server answered 401)", async () => {
    describeOk();
    const { provider, calls } = countingCredentials();
    const access = clusterAccess(k8sConfig({ cluster_name: "renku", region: "eu-central-1" }), {
      credentials: provider,
    });
    await access.apis();
    access.invalidate();
    await access.apis();
    expect(calls.n).toBe(2);
  });

  it("answers 503 code 3503 naming the cluster and the cause when DescribeCluster fails", async () => {
    eksMock.on(DescribeClusterCommand).rejects(
      new ResourceNotFoundException({
        message: "No cluster found for name: renku.",
        $metadata: {},
      }),
    );
    const { provider } = countingCredentials({ sessionToken: SESSION_TOKEN });
    const access = clusterAccess(k8sConfig({ cluster_name: "renku", region: "eu-central-1" }), {
      credentials: provider,
    });
    const err = await errorOf(access.apis());
    expect(err.status).toBe(503);
    expect(err.code).toBe(3503);
    expect(err.message).toContain('EKS cluster "renku"');
    expect(err.message).toContain("DescribeCluster");
    expect(err.message).toContain("ResourceNotFoundException: No cluster found for name: renku.");
    const shown = JSON.stringify(err.toJSON());
    for (const secret of [ACCESS_KEY_ID, SECRET_KEY, SESSION_TOKEN])
      expect(shown).not.toContain(secret);
  });

  it("tries DescribeCluster again on the next call after a failure", async () => {
    eksMock
      .on(DescribeClusterCommand)
      .rejectsOnce(new Error("throttled"))
      .resolves({
        cluster: { endpoint: "https://x.eks.amazonaws.com", certificateAuthority: { data: CA } },
      });
    const { provider } = countingCredentials();
    const access = clusterAccess(k8sConfig({ cluster_name: "renku", region: "eu-central-1" }), {
      credentials: provider,
    });
    await expect(access.apis()).rejects.toMatchObject({ status: 503 });
    expect((await access.kubeConfig()).getCurrentCluster()?.server).toBe(
      "https://x.eks.amazonaws.com",
    );
  });

  it("answers 503 when the cluster is not ready (no endpoint yet)", async () => {
    eksMock.on(DescribeClusterCommand).resolves({ cluster: { name: "renku", status: "CREATING" } });
    const access = clusterAccess(k8sConfig({ cluster_name: "renku", region: "eu-central-1" }), {
      credentials: countingCredentials().provider,
    });
    const err = await errorOf(access.apis());
    expect(err.status).toBe(503);
    expect(err.message).toContain("status CREATING");
  });

  it("answers 503 naming the cluster, not the keys, when no credentials can be loaded", async () => {
    describeOk();
    const access = clusterAccess(k8sConfig({ cluster_name: "renku", region: "eu-central-1" }), {
      credentials: async () => {
        throw new Error(`Could not load credentials from any providers (${ACCESS_KEY_ID})`);
      },
    });
    const err = await errorOf(access.apis());
    expect(err.code).toBe(3503);
    expect(err.message).toContain('EKS cluster "renku"');
    expect(err.message).toContain("Could not load credentials");
    expect(err.message).not.toContain(ACCESS_KEY_ID);
  });

  it("is a configuration error (2001) without a region", async () => {
    const access = clusterAccess(k8sConfig({ cluster_name: "renku" }), {
      credentials: countingCredentials().provider,
    });
    const err = await errorOf(access.apis());
    expect(err.status).toBe(500);
    expect(err.code).toBe(2001);
    expect(err.message).toContain("NB_K8S__EKS__REGION");
  });
});

describe("DescribeCluster through @aws-sdk/client-eks", () => {
  const eks = k8sConfig({ cluster_name: "renku", region: "eu-central-1" });

  it("sends DescribeClusterCommand from one EKSClient for the region, with the given credentials", async () => {
    eksMock
      .on(DescribeClusterCommand)
      .rejectsOnce(new Error("throttled"))
      .resolves({
        cluster: { endpoint: "https://x.eks.amazonaws.com", certificateAuthority: { data: CA } },
      });
    const { provider, calls } = countingCredentials();
    const access = clusterAccess(eks, { credentials: provider });
    await expect(access.apis()).rejects.toMatchObject({ status: 503 });
    await access.apis();
    const sent = eksMock.commandCalls(DescribeClusterCommand);
    expect(sent).toHaveLength(2);
    // The client is built once per container and reused after a failure.
    expect(sent[1]?.thisValue).toBe(sent[0]?.thisValue);
    const client = sent[0]?.thisValue as EKSClient;
    expect(await client.config.region()).toBe("eu-central-1");
    const before = calls.n;
    expect((await client.config.credentials()).accessKeyId).toBe(ACCESS_KEY_ID);
    expect(calls.n).toBe(before + 1);
  });

  it("sends to another endpoint when one is given (moto, tests)", async () => {
    describeOk();
    const access = clusterAccess(eks, {
      credentials: countingCredentials().provider,
      eksEndpoint: "http://127.0.0.1:5000",
    });
    await access.apis();
    const client = eksMock.commandCalls(DescribeClusterCommand)[0]?.thisValue as EKSClient;
    const endpoint = await client.config.endpoint?.();
    expect(endpoint).toMatchObject({ protocol: "http:", hostname: "127.0.0.1", port: 5000 });
  });

  it("gives up when the deadline passes, aborting the call, with a 503 naming the cluster", async () => {
    eksMock.on(DescribeClusterCommand).callsFake(() => new Promise(() => {}));
    const access = clusterAccess(eks, {
      credentials: countingCredentials().provider,
      timeoutMs: 50,
    });
    const err = await errorOf(access.apis());
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(err.message).toContain('EKS cluster "renku" (eu-central-1), DescribeCluster failed');
    expect(err.message).toContain("TimeoutError");
    const args = eksMock.commandCalls(DescribeClusterCommand)[0]?.args as unknown[] | undefined;
    const options = args?.[1] as { abortSignal?: AbortSignal } | undefined;
    expect(options?.abortSignal?.aborted).toBe(true);
  });
});

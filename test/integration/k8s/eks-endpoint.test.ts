/**
 * DescribeCluster over real HTTP, through the functions' default client (@aws-sdk/client-eks) and
 * the bench's hand-signed comparison (eks-describe.ts): a DescribeCluster that never gets an answer
 * ends in a 503 naming the cluster instead of holding the function until API Gateway gives up.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../lib/config/load.js";
import { AppError } from "../../../lib/errors.js";
import { type ClusterAccessOptions, clusterAccess } from "../../../lib/k8s/cluster.js";
import { signedEksClient } from "../../../lib/k8s/eks-describe.js";

let silent: Server;
let failing: Server;
let answering: Server;
const seen: Array<{ method?: string; url?: string; headers: Record<string, unknown> }> = [];
const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
const listen = (s: Server) => new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));

beforeAll(async () => {
  silent = createServer(() => {});
  failing = createServer((_req, res) => {
    res.writeHead(403, {
      "content-type": "application/json",
      "x-amzn-errortype": "AccessDeniedException",
    });
    res.end(JSON.stringify({ message: "User is not authorized to perform: eks:DescribeCluster" }));
  });
  answering = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        cluster: {
          name: "renku",
          status: "ACTIVE",
          endpoint: "https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
          certificateAuthority: { data: "Q0EK" },
        },
      }),
    );
  });
  await Promise.all([listen(silent), listen(failing), listen(answering)]);
});

afterAll(async () => {
  for (const s of [silent, failing, answering]) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

const k8s = loadConfig({
  NB_STAGE: "local",
  NB_SESSIONS__INGRESS__HOST: "h.example.org",
  NB_K8S__EKS__CLUSTER_NAME: "renku",
  NB_K8S__EKS__REGION: "eu-central-1",
}).k8s;
const credentials = async () => ({
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "s3cr3t",
});

const clients = {
  "the SDK's EKSClient (the functions' default)": (o: ClusterAccessOptions) => o,
  "the hand-signed fetch (the bench's comparison)": (o: ClusterAccessOptions) => ({
    ...o,
    eksClient: signedEksClient({
      region: "eu-central-1",
      credentials,
      timeoutMs: o.timeoutMs ?? 8000,
      ...(o.eksEndpoint ? { endpoint: o.eksEndpoint } : {}),
    }),
  }),
};

async function failure(
  endpoint: string,
  client: (o: ClusterAccessOptions) => ClusterAccessOptions,
  timeoutMs = 60_000,
): Promise<AppError> {
  const access = clusterAccess(k8s, client({ eksEndpoint: endpoint, credentials, timeoutMs }));
  const err = await access.apis().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe.each(Object.entries(clients))("DescribeCluster through %s", (_, client) => {
  it("gives up on a DescribeCluster that never answers, with a 503 naming the cluster", async () => {
    const err = await failure(url(silent), client, 300);
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(err.message).toContain('EKS cluster "renku" (eu-central-1), DescribeCluster failed');
    expect(err.message).toContain("TimeoutError");
  });

  it("reports an IAM refusal as the cause, without the credentials", async () => {
    const err = await failure(url(failing), client);
    expect(err.code).toBe(3503);
    expect(err.message).toContain("AccessDeniedException");
    expect(JSON.stringify(err.toJSON())).not.toContain("AKIAIOSFODNN7EXAMPLE");
    expect(JSON.stringify(err.toJSON())).not.toContain("s3cr3t");
  });

  it("sends DescribeCluster as a SigV4-signed GET /clusters/{name} for the eks service", async () => {
    const access = clusterAccess(
      k8s,
      client({ eksEndpoint: url(answering), credentials, timeoutMs: 60_000 }),
    );
    const kc = await access.kubeConfig();
    expect(kc.getCurrentCluster()?.server).toBe(
      "https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
    );
    expect(kc.getCurrentCluster()?.caData).toBe("Q0EK");
    const req = seen.at(-1);
    expect(req?.method).toBe("GET");
    expect(req?.url).toBe("/clusters/renku");
    const auth = String(req?.headers.authorization);
    expect(auth).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-central-1\/eks\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(req?.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(JSON.stringify(req?.headers)).not.toContain("s3cr3t");
  });
});

describe("the functions' default EKS client", () => {
  it("is @aws-sdk/client-eks (its user agent names the SDK and the EKS API)", async () => {
    const access = clusterAccess(k8s, { eksEndpoint: url(answering), credentials });
    await access.kubeConfig();
    const agent = String(seen.at(-1)?.headers["user-agent"]);
    expect(agent).toMatch(/aws-sdk-js\/3\./);
    expect(agent).toContain("api/eks");
  });
});

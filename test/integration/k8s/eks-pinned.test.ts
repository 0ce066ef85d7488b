/**
 * EKS mode with the API server's endpoint and CA given as settings (NB_K8S__EKS__ENDPOINT,
 * NB_K8S__EKS__CERTIFICATE_AUTHORITY): the first cluster call goes over HTTPS, verified against
 * that CA, to an EKS-like endpoint in front of the local cluster, with a `k8s-aws-v1.` token, and
 * DescribeCluster is never asked (a stand-in of the EKS API counts its requests). A wrong CA or
 * endpoint gives a 503 naming the two settings, in the error and the log line.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../lib/config/load.js";
import { AppError } from "../../../lib/errors.js";
import { clusterAccess } from "../../../lib/k8s/cluster.js";
import { decodeEksToken } from "../../../lib/k8s/eks.js";
import { createNamespaceClient } from "../../../lib/k8s/namespace-client.js";
import { createLogger } from "../../../lib/obs/log.js";
import { startEksStandIn } from "../../bench/eks-first.js";
import {
  type ClusterCa,
  type EksApiServer,
  makeClusterCa,
  startEksApiServer,
} from "../../helpers/eks-api-tls.js";
import { type LocalCluster, startLocalCluster } from "../../local/cluster/index.js";

let cluster: LocalCluster;
let ca: ClusterCa;
let apiServer: EksApiServer;
let describeApi: Awaited<ReturnType<typeof startEksStandIn>>;

beforeAll(async () => {
  ca = makeClusterCa();
  [cluster, describeApi] = await Promise.all([startLocalCluster(), startEksStandIn()]);
  apiServer = await startEksApiServer(ca, cluster.url);
});

afterAll(async () => {
  await Promise.all([apiServer?.stop(), describeApi?.stop(), cluster?.stop()]);
});

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const credentials = async () => ({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET });

function pinnedClient(endpoint: string, caData: string) {
  const config = loadConfig({
    NB_STAGE: "local",
    NB_SESSIONS__INGRESS__HOST: "h.example.org",
    NB_K8S__EKS__CLUSTER_NAME: "renku",
    NB_K8S__EKS__REGION: "eu-central-1",
    NB_K8S__EKS__ENDPOINT: endpoint,
    NB_K8S__EKS__CERTIFICATE_AUTHORITY: caData,
  });
  const lines: string[] = [];
  const log = createLogger(
    "info",
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  // DescribeCluster, were it asked, would go to the counting stand-in.
  const access = clusterAccess(config.k8s, {
    credentials,
    eksEndpoint: describeApi.url,
    timeoutMs: 5000,
  });
  return { client: createNamespaceClient({ access, config, log }), lines };
}

const HINT =
  "its endpoint and CA are set by NB_K8S__EKS__ENDPOINT and NB_K8S__EKS__CERTIFICATE_AUTHORITY: check them against aws eks describe-cluster (docs/deploy.md, 3.4c)";

describe("EKS access with the endpoint and CA as settings", () => {
  it("makes the first cluster call over verified TLS with an EKS token, without DescribeCluster", async () => {
    const { client } = pinnedClient(apiServer.url, ca.caData);
    const seen = apiServer.tokens.length;
    expect(await client.list()).toEqual([]);
    expect(await client.getConfigMap("missing")).toBeUndefined();
    const tokens = apiServer.tokens.slice(seen);
    expect(tokens).toHaveLength(2);
    for (const token of tokens) {
      const url = decodeEksToken(token);
      expect(url.host).toBe("sts.eu-central-1.amazonaws.com");
      expect(url.searchParams.get("Action")).toBe("GetCallerIdentity");
      expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host;x-k8s-aws-id");
    }
    expect(describeApi.agents).toEqual([]);
  });

  it("answers 503 naming both settings when the CA is not the cluster's", async () => {
    const { client, lines } = pinnedClient(apiServer.url, makeClusterCa().caData);
    const err = await client.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect([e.status, e.code]).toEqual([503, 3503]);
    expect(e.message).toBe(
      `The Kubernetes cluster (EKS cluster "renku" (eu-central-1)) cannot be reached (UNABLE_TO_VERIFY_LEAF_SIGNATURE); ${HINT}.`,
    );
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({
        level: "warn",
        msg: "the Kubernetes API is unreachable",
        code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        hint: HINT,
      }),
    ]);
    const told = JSON.stringify([e.toJSON(), lines]);
    for (const secret of [SECRET, "k8s-aws-v1."]) expect(told).not.toContain(secret);
    expect(describeApi.agents).toEqual([]);
  });

  it("answers 503 naming both settings when nothing listens at the endpoint", async () => {
    const closed = new URL(apiServer.url);
    closed.port = "1";
    const { client } = pinnedClient(closed.origin, ca.caData);
    const err = (await client.list().catch((e: unknown) => e)) as AppError;
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(err.message).toBe(
      `The Kubernetes cluster (EKS cluster "renku" (eu-central-1)) cannot be reached (ECONNREFUSED); ${HINT}.`,
    );
  });

  it("leaves the messages of DescribeCluster mode as they were (no settings to blame)", () => {
    const config = loadConfig({
      NB_STAGE: "local",
      NB_SESSIONS__INGRESS__HOST: "h.example.org",
      NB_K8S__EKS__CLUSTER_NAME: "renku",
    });
    expect(clusterAccess(config.k8s).connectionHint).toBeUndefined();
  });
});

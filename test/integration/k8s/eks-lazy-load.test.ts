/**
 * @aws-sdk/client-eks is loaded on EKS mode's first DescribeCluster and never in kubeconfig mode,
 * nor in EKS mode with the endpoint and CA as settings (no DescribeCluster at all): fresh node
 * processes run cluster access bundled as the functions are (serverless.yml's esbuild options, the
 * SDK excluded) and report which SDK files their require cache holds.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildProbe,
  CLUSTER_SERVER,
  probeEnv,
  runProbe,
  startEksStandIn,
} from "../../bench/eks-first.js";
import {
  type ClusterCa,
  type EksApiServer,
  makeClusterCa,
  startEksApiServer,
} from "../../helpers/eks-api-tls.js";
import { type LocalCluster, startLocalCluster } from "../../local/cluster/index.js";

let probe: string;
let standIn: Awaited<ReturnType<typeof startEksStandIn>>;
let cluster: LocalCluster;
let ca: ClusterCa;
let apiServer: EksApiServer;

beforeAll(async () => {
  ca = makeClusterCa();
  [probe, standIn, cluster] = await Promise.all([
    buildProbe(),
    startEksStandIn(),
    startLocalCluster(),
  ]);
  apiServer = await startEksApiServer(ca, cluster.url);
});

afterAll(async () => {
  await Promise.all([standIn?.stop(), apiServer?.stop(), cluster?.stop()]);
});

describe("loading the AWS SDK", () => {
  it("keeps require('@aws-sdk/client-eks') in the bundle instead of inlining the SDK", () => {
    const code = readFileSync(probe, "utf8");
    expect(code).toContain('require("@aws-sdk/client-eks")');
    expect(code).not.toContain("DescribeClusterRequest");
  });

  it("never happens in kubeconfig mode", async () => {
    const r = await runProbe(probe, "kubeconfig", probeEnv(standIn.url));
    expect(r.server).toBe("http://127.0.0.1:1");
    expect([r.loadedBefore, r.loadedAfter]).toEqual([0, 0]);
  });

  it("happens in EKS mode on the first DescribeCluster, not when the function loads", async () => {
    const seen = standIn.agents.length;
    const r = await runProbe(probe, "sdk", probeEnv(standIn.url));
    expect(r.server).toBe(CLUSTER_SERVER);
    expect(r.loadedBefore).toBe(0);
    expect(r.loadedAfter).toBeGreaterThan(0);
    expect(standIn.agents.slice(seen)).toEqual([
      expect.stringMatching(/aws-sdk-js\/3\..*api\/eks/),
    ]);
  });

  it("never happens with the endpoint and CA as settings, whose first call needs no DescribeCluster", async () => {
    const [described, tokens] = [standIn.agents.length, apiServer.tokens.length];
    const env = {
      ...probeEnv(standIn.url, { endpoint: apiServer.url, caData: ca.caData }),
      BENCH_EKS_CALL: "/api/v1/namespaces/renku/configmaps",
    };
    const r = await runProbe(probe, "pinned", env);
    expect(r.server).toBe(apiServer.url);
    // The call went over TLS verified against the pinned CA, with an EKS token.
    expect(r.called).toBe("ConfigMapList");
    expect(apiServer.tokens.slice(tokens)).toEqual([expect.stringMatching(/^k8s-aws-v1\./)]);
    expect([r.loadedBefore, r.loadedAfter]).toEqual([0, 0]);
    expect(standIn.agents.slice(described)).toEqual([]);
  });

  it("fails the first EKS-mode request with a 503 naming the SDK where the runtime lacks it", async () => {
    // The probe lives in a temporary directory: without NODE_PATH no node_modules is in reach.
    const env = { ...probeEnv(standIn.url), NODE_PATH: "" };
    await expect(runProbe(probe, "sdk", env)).rejects.toThrow(
      /DescribeCluster failed \(Error: @aws-sdk\/client-eks cannot be loaded \(Error: Cannot find module '@aws-sdk\/client-eks'\); the Lambda runtime provides it/,
    );
  });
});

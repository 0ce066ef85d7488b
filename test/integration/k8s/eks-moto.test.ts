/**
 * EKS access against moto's server (`moto_server`, https://github.com/getmoto/moto), when one runs:
 * MOTO_URL=http://127.0.0.1:5000. moto cannot be installed on these machines (no PyPI), so without
 * MOTO_URL this file reports itself as skipped; the unit tests in test/unit/k8s/eks.test.ts cover
 * the same path with aws-sdk-client-mock and a hand-computed signature, and
 * test/integration/k8s/eks-endpoint.test.ts sends the SDK's DescribeCluster over real HTTP.
 */
import { CreateClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../lib/config/load.js";
import { clusterAccess } from "../../../lib/k8s/cluster.js";
import { decodeEksToken } from "../../../lib/k8s/eks.js";

const MOTO_URL = process.env.MOTO_URL;
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

if (!MOTO_URL) {
  console.info("eks-moto.test.ts skipped: set MOTO_URL to a running moto_server to run it.");
}

describe("EKS access against moto", () => {
  it.runIf(Boolean(MOTO_URL))(
    "describes the cluster and mints a token that STS (moto) accepts",
    async () => {
      const region = "eu-central-1";
      const eks = new EKSClient({ region, endpoint: MOTO_URL, credentials });
      const name = `renku-${Date.now()}`;
      await eks.send(
        new CreateClusterCommand({
          name,
          roleArn: "arn:aws:iam::123456789012:role/eks",
          resourcesVpcConfig: { subnetIds: ["subnet-1"] },
        }),
      );
      const config = loadConfig({
        NB_STAGE: "local",
        NB_SESSIONS__INGRESS__HOST: "h.example.org",
        NB_K8S__EKS__CLUSTER_NAME: name,
        NB_K8S__EKS__REGION: region,
      });
      // The functions' own DescribeCluster (the SDK's EKSClient, loaded on first use), against moto.
      const access = clusterAccess(config.k8s, {
        eksEndpoint: MOTO_URL,
        credentials: async () => credentials,
      });
      const kc = await access.kubeConfig();
      expect(kc.getCurrentCluster()?.server).toMatch(/^https:\/\//);
      const url = decodeEksToken(kc.getCurrentUser()?.token ?? "");
      expect(url.searchParams.get("Action")).toBe("GetCallerIdentity");

      // Send the presigned request to moto's STS, as the EKS authenticator would to AWS.
      const res = await fetch(`${MOTO_URL}/${url.search}`, {
        headers: { "x-k8s-aws-id": name, host: url.host },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("<Arn>");
    },
  );
});

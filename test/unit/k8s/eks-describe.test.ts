import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { awsEnvCredentials } from "../../../lib/config/load.js";
import { eksEndpoint } from "../../../lib/k8s/eks-describe.js";
import { NodeSha256 } from "../../../lib/util/node-sha256.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("signing EKS requests without the AWS SDK (the token; the bench's signed DescribeCluster)", () => {
  it("reaches the regional EKS API, under amazonaws.com.cn in China", () => {
    expect(eksEndpoint("eu-central-1")).toBe("https://eks.eu-central-1.amazonaws.com");
    expect(eksEndpoint("cn-north-1")).toBe("https://eks.cn-north-1.amazonaws.com.cn");
  });

  it("signs with the credentials the Lambda runtime puts in the environment", () => {
    expect(awsEnvCredentials({})).toBeUndefined();
    expect(awsEnvCredentials({ AWS_ACCESS_KEY_ID: "AKIA1" })).toBeUndefined();
    expect(
      awsEnvCredentials({
        AWS_ACCESS_KEY_ID: "ASIA1",
        AWS_SECRET_ACCESS_KEY: "secret",
        AWS_SESSION_TOKEN: "session",
        AWS_CREDENTIAL_EXPIRATION: "2030-01-01T00:00:00Z",
      }),
    ).toEqual({
      accessKeyId: "ASIA1",
      secretAccessKey: "secret",
      sessionToken: "session",
      expiration: new Date("2030-01-01T00:00:00Z"),
    });
  });

  it("hashes and HMACs like node:crypto, across updates and after reset", async () => {
    const h = new NodeSha256();
    h.update(new TextEncoder().encode("ab"));
    h.update(new TextEncoder().encode("c"));
    expect(hex(await h.digest())).toBe(createHash("sha256").update("abc").digest("hex"));
    const mac = new NodeSha256("key");
    mac.update(new TextEncoder().encode("x"));
    mac.reset();
    mac.update(new TextEncoder().encode("msg"));
    expect(hex(await mac.digest())).toBe(createHmac("sha256", "key").update("msg").digest("hex"));
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../lib/config/load.js";
import { AppError } from "../../../lib/errors.js";
import { clusterAccess } from "../../../lib/k8s/cluster.js";

const dir = mkdtempSync(join(tmpdir(), "nb-kubeconfig-"));

function writeKubeconfig(server: string, token = "file-token"): string {
  const path = join(dir, `kc-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: local\n  cluster:\n    server: ${server}`,
      "users:",
      `- name: me\n  user:\n    token: ${token}`,
      "contexts:",
      "- name: local\n  context:\n    cluster: local\n    user: me",
      "current-context: local",
    ].join("\n"),
  );
  return path;
}

const k8s = (env: Record<string, string>) =>
  loadConfig({ NB_STAGE: "local", NB_SESSIONS__INGRESS__HOST: "h.example.org", ...env }).k8s;

describe("kubeconfig access", () => {
  it("uses the file named by KUBECONFIG and allows a plain-http local cluster", async () => {
    const path = writeKubeconfig("http://127.0.0.1:8001");
    const access = clusterAccess(k8s({ KUBECONFIG: path }));
    const kc = await access.kubeConfig();
    expect(kc.getCurrentCluster()?.server).toBe("http://127.0.0.1:8001");
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(true);
    expect(kc.getCurrentUser()?.token).toBe("file-token");
    expect(access.label).toBe(`kubeconfig ${path}`);
  });

  it("leaves TLS verification on for https clusters", async () => {
    const access = clusterAccess(
      k8s({ NB_K8S__KUBECONFIG: writeKubeconfig("https://k8s.example.org") }),
    );
    expect((await access.kubeConfig()).getCurrentCluster()?.skipTLSVerify).toBeFalsy();
  });

  it("prefers EKS when both are configured", () => {
    const access = clusterAccess(
      k8s({
        NB_K8S__KUBECONFIG: writeKubeconfig("https://k8s.example.org"),
        NB_K8S__EKS__CLUSTER_NAME: "renku",
        NB_K8S__EKS__REGION: "eu-west-1",
      }),
    );
    expect(access.label).toBe('EKS cluster "renku" (eu-west-1)');
  });

  it("reports an unreadable kubeconfig as misconfiguration, lazily", async () => {
    const access = clusterAccess(k8s({ NB_K8S__KUBECONFIG: join(dir, "missing.yaml") }));
    const err = await access.apis().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(2001);
    expect((err as AppError).message).toContain("missing.yaml");
  });

  it("reports a missing cluster configuration as misconfiguration naming the settings", async () => {
    const err = await clusterAccess(k8s({}))
      .apis()
      .catch((e: unknown) => e);
    expect((err as AppError).code).toBe(2001);
    expect((err as AppError).message).toContain("NB_K8S__KUBECONFIG");
    expect((err as AppError).message).toContain("NB_K8S__EKS__CLUSTER_NAME");
  });
});

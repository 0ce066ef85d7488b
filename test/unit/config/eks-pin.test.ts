import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../lib/config/load.js";
import { configProblems } from "../../helpers/config.js";
import { makeClusterCa } from "../../helpers/eks-api-tls.js";

const BASE = {
  NB_STAGE: "local",
  NB_SESSIONS__INGRESS__HOST: "sessions.example.org",
  NB_K8S__EKS__CLUSTER_NAME: "renku",
};
const ENDPOINT = "https://ABCDEF0123456789.gr7.eu-central-1.eks.amazonaws.com";
const { caData: CA, serverCert } = makeClusterCa();
const b64 = (text: string) => Buffer.from(text).toString("base64");

const problemsOf = configProblems;

const pinned = (endpoint: string, ca: string) => ({
  ...BASE,
  NB_K8S__EKS__ENDPOINT: endpoint,
  NB_K8S__EKS__CERTIFICATE_AUTHORITY: ca,
});

describe("the EKS endpoint and CA as settings", () => {
  it("are read as given, a CA bundle of several certificates too", () => {
    expect(loadConfig(pinned(ENDPOINT, CA)).k8s.eks).toEqual({
      cluster_name: "renku",
      endpoint: ENDPOINT,
      certificate_authority: CA,
    });
    const bundle = b64(Buffer.from(CA, "base64").toString() + serverCert);
    expect(loadConfig(pinned(ENDPOINT, bundle)).k8s.eks.certificate_authority).toBe(bundle);
  });

  it("are optional: unset, nothing changes", () => {
    expect(loadConfig(BASE).k8s.eks).toEqual({ cluster_name: "renku" });
  });

  it("need an https endpoint", () => {
    const message =
      "NB_K8S__EKS__ENDPOINT: must be an https URL such as https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com";
    for (const bad of [
      "http://ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
      "ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
      "not a url",
    ]) {
      expect(problemsOf(pinned(bad, CA)), bad).toEqual([message]);
    }
  });

  it("need the CA as base64, not the PEM text itself", () => {
    expect(problemsOf(pinned(ENDPOINT, Buffer.from(CA, "base64").toString()))).toEqual([
      "NB_K8S__EKS__CERTIFICATE_AUTHORITY: must be base64 (what aws eks describe-cluster --query cluster.certificateAuthority.data prints)",
    ]);
    expect(problemsOf(pinned(ENDPOINT, `${CA}=`))).toEqual([
      "NB_K8S__EKS__CERTIFICATE_AUTHORITY: must be base64 (what aws eks describe-cluster --query cluster.certificateAuthority.data prints)",
    ]);
  });

  it("need a PEM certificate inside the base64", () => {
    // The PEM's own base64 body (DER) without its BEGIN/END lines, encoded once more.
    const der = Buffer.from(CA, "base64")
      .toString()
      .replace(/-----[A-Z ]+-----|\s/g, "");
    expect(problemsOf(pinned(ENDPOINT, b64(der)))).toEqual([
      "NB_K8S__EKS__CERTIFICATE_AUTHORITY: must be base64 of a PEM certificate; it holds none",
    ]);
  });

  it("name the certificate that does not parse", () => {
    const broken = "-----BEGIN CERTIFICATE-----\nMIIBbroken\n-----END CERTIFICATE-----\n";
    expect(problemsOf(pinned(ENDPOINT, b64(broken)))).toEqual([
      "NB_K8S__EKS__CERTIFICATE_AUTHORITY: holds a PEM block that is no X.509 certificate (certificate 1)",
    ]);
    const second = b64(Buffer.from(CA, "base64").toString() + broken);
    expect(problemsOf(pinned(ENDPOINT, second))).toEqual([
      "NB_K8S__EKS__CERTIFICATE_AUTHORITY: holds a PEM block that is no X.509 certificate (certificate 2)",
    ]);
  });

  it("come both or not at all", () => {
    expect(problemsOf({ ...BASE, NB_K8S__EKS__ENDPOINT: ENDPOINT })).toEqual([
      "NB_K8S__EKS__CERTIFICATE_AUTHORITY: required with NB_K8S__EKS__ENDPOINT (set both or neither)",
    ]);
    expect(problemsOf({ ...BASE, NB_K8S__EKS__CERTIFICATE_AUTHORITY: CA })).toEqual([
      "NB_K8S__EKS__ENDPOINT: required with NB_K8S__EKS__CERTIFICATE_AUTHORITY (set both or neither)",
    ]);
  });

  it("come only with a cluster name, which the access token names", () => {
    const { NB_K8S__EKS__CLUSTER_NAME: _name, ...unnamed } = pinned(ENDPOINT, CA);
    expect(problemsOf({ ...unnamed, NB_K8S__KUBECONFIG: "/kubeconfig" })).toEqual([
      "NB_K8S__EKS__ENDPOINT: set without NB_K8S__EKS__CLUSTER_NAME, which the cluster's access token must name",
      "NB_K8S__EKS__CERTIFICATE_AUTHORITY: set without NB_K8S__EKS__CLUSTER_NAME, which the cluster's access token must name",
    ]);
  });

  it("are reported with every other bad setting in one error", () => {
    const problems = problemsOf({
      ...BASE,
      NB_K8S__EKS__ENDPOINT: "http://x",
      NB_K8S__NAMESPACE: "Not_A_Label",
    });
    expect(problems).toEqual([
      "NB_K8S__NAMESPACE: must be a DNS-1123 label",
      "NB_K8S__EKS__ENDPOINT: must be an https URL such as https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
      "NB_K8S__EKS__CERTIFICATE_AUTHORITY: required with NB_K8S__EKS__ENDPOINT (set both or neither)",
    ]);
  });
});

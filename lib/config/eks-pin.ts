/**
 * The EKS cluster's endpoint and CA given as settings (NB_K8S__EKS__ENDPOINT and
 * NB_K8S__EKS__CERTIFICATE_AUTHORITY), so that cluster access skips DescribeCluster: the CA's form,
 * and the settings that only make sense together.
 */
import { X509Certificate } from "node:crypto";

export const ENDPOINT_VAR = "NB_K8S__EKS__ENDPOINT";
export const CA_VAR = "NB_K8S__EKS__CERTIFICATE_AUTHORITY";
const CLUSTER_NAME_VAR = "NB_K8S__EKS__CLUSTER_NAME";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/** Why a CA value is not base64 of PEM certificates (as DescribeCluster gives it), or undefined. */
export function certificateAuthorityProblem(value: string): string | undefined {
  if (!BASE64.test(value)) {
    return "must be base64 (what aws eks describe-cluster --query cluster.certificateAuthority.data prints)";
  }
  const blocks = Buffer.from(value, "base64").toString("latin1").match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return "must be base64 of a PEM certificate; it holds none";
  const bad = blocks.findIndex((pem) => {
    try {
      new X509Certificate(pem);
      return false;
    } catch {
      return true;
    }
  });
  if (bad >= 0) return `holds a PEM block that is no X.509 certificate (certificate ${bad + 1})`;
  return undefined;
}

const isSet = (v: unknown) => typeof v === "string" && v !== "";

/**
 * Endpoint and CA come as a pair, and only with a cluster name (the access token names the
 * cluster). Read from the NB_* settings as nested, before or without the schema's parse.
 */
export function eksPinProblems(eks: unknown): string[] {
  if (typeof eks !== "object" || eks === null) return [];
  const e = eks as Record<string, unknown>;
  const endpoint = isSet(e.endpoint);
  const ca = isSet(e.certificate_authority);
  const problems: string[] = [];
  if (endpoint && !ca)
    problems.push(`${CA_VAR}: required with ${ENDPOINT_VAR} (set both or neither)`);
  if (ca && !endpoint)
    problems.push(`${ENDPOINT_VAR}: required with ${CA_VAR} (set both or neither)`);
  if (!isSet(e.cluster_name)) {
    for (const [name, given] of [
      [ENDPOINT_VAR, endpoint],
      [CA_VAR, ca],
    ] as const) {
      if (given) {
        problems.push(
          `${name}: set without ${CLUSTER_NAME_VAR}, which the cluster's access token must name`,
        );
      }
    }
  }
  return problems;
}

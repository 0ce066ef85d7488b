/** A kubeconfig for the local cluster: plain http, so the cluster entry must skip TLS verification. */
import { stringify } from "yaml";

export const LOCAL_TOKEN = "renku-local-cluster-token";
export const CONTEXT = "renku-local";

export function kubeconfigYaml(server: string, namespace = "renku"): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: CONTEXT, cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name: "renku-local-user", user: { token: LOCAL_TOKEN } }],
    contexts: [
      { name: CONTEXT, context: { cluster: CONTEXT, user: "renku-local-user", namespace } },
    ],
    "current-context": CONTEXT,
    preferences: {},
  });
}

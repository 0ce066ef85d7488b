/** What the local cluster holds, read straight from its API (not through the service). */
import { LOCAL_TOKEN, type LocalCluster } from "../../local/cluster/index.js";

const PATHS = {
  jupyterservers: "/apis/amalthea.dev/v1alpha1/namespaces/renku/jupyterservers",
  amaltheasessions: "/apis/amalthea.dev/v1alpha1/namespaces/renku/amaltheasessions",
  secrets: "/api/v1/namespaces/renku/secrets",
  statefulsets: "/apis/apps/v1/namespaces/renku/statefulsets",
  configmaps: "/api/v1/namespaces/renku/configmaps",
} as const;

export interface Item {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

export async function listKind(cluster: LocalCluster, kind: keyof typeof PATHS): Promise<Item[]> {
  const res = await fetch(`${cluster.url}${PATHS[kind]}`, {
    headers: { authorization: `Bearer ${LOCAL_TOKEN}` },
  });
  if (!res.ok) throw new Error(`list ${kind}: ${res.status}`);
  return ((await res.json()) as { items: Item[] }).items;
}

/**
 * Names of the sessions (JupyterServers, AmaltheaSessions, and both kinds together) and of every
 * secret or StatefulSet, for before/after comparisons.
 */
export async function sessionState(cluster: LocalCluster) {
  const [js, ams, secrets, sts] = await Promise.all([
    listKind(cluster, "jupyterservers"),
    listKind(cluster, "amaltheasessions"),
    listKind(cluster, "secrets"),
    listKind(cluster, "statefulsets"),
  ]);
  const names = (items: Item[]) => items.map((i) => i.metadata.name).sort();
  return {
    jupyterservers: names(js),
    amaltheasessions: names(ams),
    sessions: names([...js, ...ams]),
    secrets: names(secrets),
    statefulsets: names(sts),
  };
}

/** What the service asks the local cluster while `fn` runs. */
import type { LocalCluster } from "../local/cluster/index.js";

/** The cluster calls made during `fn`, in order, as "verb resource[/subresource]". */
export async function k8sCalls(
  cluster: LocalCluster,
  fn: () => Promise<unknown>,
): Promise<string[]> {
  const start = cluster.requests.length;
  await fn();
  return cluster.requests
    .slice(start)
    .map((r) => `${r.verb} ${r.subresource ? `${r.resource}/${r.subresource}` : r.resource}`);
}

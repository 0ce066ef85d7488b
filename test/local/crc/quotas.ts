/**
 * The Kubernetes side of the pools' quotas, created as renku-data-services creates them when a
 * quota is made (crc `create_quota`): a PriorityClass named for the quota (value 100, preemption
 * Never, not the global default), and a ResourceQuota of that name whose scope is that
 * PriorityClass, with hard limits on requested CPU, memory (GB as bytes) and GPUs.
 */
import type { CrcPoolSeed } from "./seed.js";

const LABELS = { app: "renku", "renku.io/component": "resource-pool-quota" };

async function ensure(url: string, body: object): Promise<void> {
  const name = (body as { metadata: { name: string } }).metadata.name;
  const got = await fetch(`${url}/${name}`);
  if (got.ok) return;
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`creating ${url}/${name}: ${res.status} ${await res.text()}`);
}

/** Creates each pool's PriorityClass and ResourceQuota in the cluster at `clusterUrl`. */
export async function provisionQuotas(
  clusterUrl: string,
  namespace: string,
  pools: CrcPoolSeed[],
): Promise<void> {
  await provisionQuotaObjects(
    clusterUrl,
    namespace,
    pools.flatMap((p) => (p.quota ? [p.quota] : [])),
  );
}

/** The same for quotas given as renku-data-services answers them (`pool.quota`). */
export async function provisionQuotaObjects(
  clusterUrl: string,
  namespace: string,
  quotas: { id: string; cpu?: number; memory?: number; gpu?: number }[],
): Promise<void> {
  for (const q of quotas) {
    await ensure(`${clusterUrl}/apis/scheduling.k8s.io/v1/priorityclasses`, {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: q.id, labels: LABELS },
      value: 100,
      globalDefault: false,
      preemptionPolicy: "Never",
      description: "Renku resource quota priority class",
    });
    await ensure(`${clusterUrl}/api/v1/namespaces/${namespace}/resourcequotas`, {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: q.id, labels: LABELS },
      spec: {
        hard: {
          "requests.cpu": String(Math.ceil(q.cpu ?? 0)),
          "requests.memory": String((q.memory ?? 0) * 1_000_000_000),
          "requests.nvidia.com/gpu": q.gpu ?? 0,
        },
        scopeSelector: {
          matchExpressions: [{ operator: "In", scopeName: "PriorityClass", values: [q.id] }],
        },
      },
    });
  }
}

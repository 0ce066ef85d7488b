/**
 * The quota places (lib/quotas/reserve.ts) as ConfigMaps of the sessions namespace, one per taken
 * place, named `<prefix>-<scope>-<index>` and labelled by group, scope and session. Taking one is a
 * create (409: taken); its session becomes its ownerReference, so the garbage collector frees it.
 */
import type { V1ConfigMap } from "@kubernetes/client-node/dist/gen/index.js";
import type { NamespaceClient } from "../k8s/namespace-client.js";
import type { OwnerRef, Slot, SlotClaim, SlotStore } from "../quotas/reserve.js";

export const GROUP_LABEL = "renku.io/quota-group";
export const SCOPE_LABEL = "renku.io/quota-scope";
export const SESSION_LABEL = "renku.io/quota-session";

type Repo = Pick<
  NamespaceClient,
  "listConfigMaps" | "createConfigMap" | "replaceConfigMap" | "deleteConfigMap" | "deleteConfigMaps"
>;
type NamedConfigMap = V1ConfigMap & { metadata: { name: string } };

const num = (raw: string | undefined) => {
  const n = Number(raw);
  return Number.isFinite(n) ? n : 0;
};

/** undefined for a ConfigMap that is no place (hand-made, or a label edited away). */
function toSlot(cm: V1ConfigMap): Slot | undefined {
  const labels = cm.metadata?.labels ?? {};
  const data = cm.data ?? {};
  const group = labels[GROUP_LABEL];
  const scope = labels[SCOPE_LABEL];
  if (!cm.metadata?.name || !group || !scope) return undefined;
  return {
    name: cm.metadata.name,
    group,
    scope,
    index: num(data.index),
    session: data.session ?? "",
    cpu: num(data.cpu),
    memory: num(data.memory),
    createdAt: Date.parse(String(cm.metadata.creationTimestamp ?? "")) || 0,
    owner: cm.metadata.ownerReferences?.[0],
    version: cm.metadata.resourceVersion ?? "",
  };
}

const ownerReference = (owner: OwnerRef) => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.name,
  uid: owner.uid,
});

export function configMapSlotStore(repo: Repo, prefix: string): SlotStore {
  const body = (
    s: Omit<SlotClaim, "owner">,
    extra: { owner?: OwnerRef | undefined; version?: string },
  ): NamedConfigMap => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `${prefix}-${s.scope}-${s.index}`,
      labels: {
        "app.kubernetes.io/managed-by": "renku-notebooks",
        [GROUP_LABEL]: s.group,
        [SCOPE_LABEL]: s.scope,
        [SESSION_LABEL]: s.session,
      },
      ...(extra.owner ? { ownerReferences: [ownerReference(extra.owner)] } : {}),
      ...(extra.version ? { resourceVersion: extra.version } : {}),
    },
    data: {
      session: s.session,
      index: String(s.index),
      cpu: String(s.cpu),
      memory: String(s.memory),
    },
  });
  const written = (cm: V1ConfigMap | undefined) => (cm ? toSlot(cm) : undefined);

  return {
    async list(scopes) {
      if (scopes.length === 0) return [];
      const items = await repo.listConfigMaps(`${SCOPE_LABEL} in (${scopes.join(",")})`);
      return items.flatMap((cm) => toSlot(cm) ?? []);
    },
    claim: async (c) => written(await repo.createConfigMap(body(c, { owner: c.owner }))),
    adopt: async (s, owner) =>
      written(await repo.replaceConfigMap(body(s, { owner, version: s.version }))),
    reshare: async (s, cpu, memory) =>
      written(
        await repo.replaceConfigMap(
          body({ ...s, cpu, memory }, { owner: s.owner, version: s.version }),
        ),
      ),
    async release(s) {
      await repo.deleteConfigMap(s.name, s.version);
    },
    async releaseSession(session) {
      await repo.deleteConfigMaps(`${SESSION_LABEL}=${session}`);
    },
  };
}

/**
 * The admission plugins of a stock kube-apiserver that refuse our pods: Priority (the named
 * PriorityClass must exist; it sets spec.priority) and ResourceQuota (a namespace's quotas, scoped
 * by PriorityClass as renku-data-services writes them, are not exceeded). Both answer 403.
 */
import { RESOURCES } from "../resources.js";
import { KubeError } from "../status.js";
import type { Store } from "../store.js";
import type { KObject, ResourceDef } from "../types.js";
import { quantityValue } from "./quantity.js";

const def = (resource: string) => RESOURCES.find((r) => r.resource === resource) as ResourceDef;
const PRIORITY_CLASSES = def("priorityclasses");
const QUOTAS = def("resourcequotas");
const PODS = def("pods");

type Obj = Record<string, unknown>;
interface PodSpec {
  priorityClassName?: string;
  priority?: number;
  containers?: Array<{ resources?: { requests?: Obj; limits?: Obj } }>;
  initContainers?: Array<{ resources?: { requests?: Obj; limits?: Obj } }>;
}

const forbidden = (name: string, why: string) =>
  new KubeError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `pods "${name}" is forbidden: ${why}`,
    reason: "Forbidden",
    details: { name, kind: "pods" },
    code: 403,
  });

/** requests.cpu, limits.memory, requests.nvidia.com/gpu ... and `pods`, as quota counts a pod. */
function podUsage(spec: PodSpec): Map<string, number> {
  const usage = new Map<string, number>([["pods", 1]]);
  const sum = (list: PodSpec["containers"]) => {
    const out = new Map<string, number>();
    for (const c of list ?? [])
      for (const kind of ["requests", "limits"] as const)
        for (const [r, q] of Object.entries(c.resources?.[kind] ?? {})) {
          const key = `${kind}.${r}`;
          out.set(key, (out.get(key) ?? 0) + (quantityValue(q) ?? 0));
        }
    return out;
  };
  const regular = sum(spec.containers);
  // An init container runs alone: the pod needs the larger of it and the regular sum.
  const init = (spec.initContainers ?? []).map((c) => sum([c]));
  for (const [k, v] of regular) usage.set(k, v);
  for (const one of init) for (const [k, v] of one) usage.set(k, Math.max(usage.get(k) ?? 0, v));
  // `cpu` and `memory` in `hard` mean their requests.
  for (const r of ["cpu", "memory"]) usage.set(r, usage.get(`requests.${r}`) ?? 0);
  return usage;
}

interface ScopeExpr {
  scopeName?: string;
  operator?: string;
  values?: string[];
}

/** Does the quota's PriorityClass scope select this pod? (Other scopes are not simulated.) */
function inScope(quota: KObject, spec: PodSpec): boolean {
  const exprs =
    ((quota.spec as Obj | undefined)?.scopeSelector as { matchExpressions?: ScopeExpr[] })
      ?.matchExpressions ?? [];
  const pc = spec.priorityClassName;
  return exprs.every((e) => {
    if (e.scopeName !== "PriorityClass") return true;
    if (e.operator === "Exists") return Boolean(pc);
    if (e.operator === "DoesNotExist") return !pc;
    const hit = Boolean(pc) && (e.values ?? []).includes(pc as string);
    return e.operator === "NotIn" ? !hit : hit;
  });
}

/** How `kubectl describe quota` and the quota plugin print an amount. */
function show(resource: string, v: number): string {
  if (resource.endsWith("cpu")) return Number.isInteger(v) ? String(v) : `${Math.round(v * 1000)}m`;
  for (const [suffix, f] of [
    ["Gi", 2 ** 30],
    ["Mi", 2 ** 20],
    ["Ki", 2 ** 10],
  ] as const)
    if (v >= f && v % f === 0) return `${v / f}${suffix}`;
  return String(v);
}

function quotaCheck(store: Store, ns: string, name: string, spec: PodSpec): void {
  const quotas = store.all(QUOTAS).filter((q) => q.metadata.namespace === ns);
  if (!quotas.length) return;
  const wanted = podUsage(spec);
  const pods = store
    .all(PODS)
    .filter(
      (p) =>
        p.metadata.namespace === ns &&
        !["Succeeded", "Failed"].includes(String((p.status as Obj | undefined)?.phase)),
    );
  for (const quota of quotas.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    if (!inScope(quota, spec)) continue;
    const hard = ((quota.spec as Obj | undefined)?.hard ?? {}) as Obj;
    const exceeded: Array<{ r: string; want: number; used: number; limit: number }> = [];
    for (const [r, q] of Object.entries(hard)) {
      const want = wanted.get(r);
      if (!want) continue;
      const limit = quantityValue(q) ?? 0;
      let used = 0;
      for (const p of pods)
        if (inScope(quota, p.spec as PodSpec)) used += podUsage(p.spec as PodSpec).get(r) ?? 0;
      if (used + want > limit) exceeded.push({ r, want, used, limit });
    }
    if (!exceeded.length) continue;
    exceeded.sort((a, b) => a.r.localeCompare(b.r));
    const join = (f: (e: (typeof exceeded)[number]) => number) =>
      exceeded.map((e) => `${e.r}=${show(e.r, f(e))}`).join(",");
    throw forbidden(
      name,
      `exceeded quota: ${quota.metadata.name}, requested: ${join((e) => e.want)}, used: ${join((e) => e.used)}, limited: ${join((e) => e.limit)}`,
    );
  }
}

/** Runs the plugins on a pod being created; may set spec.priority as the Priority plugin does. */
export function admitPod(store: Store, ns: string, pod: Obj): void {
  const name = String((pod.metadata as Obj | undefined)?.name ?? "");
  const spec = (pod.spec ?? {}) as PodSpec;
  const pcName = spec.priorityClassName;
  if (pcName) {
    const pc = store.peek(PRIORITY_CLASSES, undefined, pcName);
    if (!pc) throw forbidden(name, `no PriorityClass with name ${pcName} was found`);
    spec.priority = Number((pc as unknown as { value?: number }).value ?? 0);
  } else {
    const fallback = store
      .all(PRIORITY_CLASSES)
      .find((p) => (p as unknown as { globalDefault?: boolean }).globalDefault === true);
    if (fallback) {
      spec.priorityClassName = fallback.metadata.name;
      spec.priority = Number((fallback as unknown as { value?: number }).value ?? 0);
    }
  }
  quotaCheck(store, ns, name, spec);
}

/** Where the session's pod may run: tolerations and affinity (section 4, rows 2-3). */

import type { ContainerContext } from "./context.js";

export const tolerationsValue = (ctx: ContainerContext) => [
  { key: "renku.io/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
  ...ctx.config.sessions.tolerations,
  ...(ctx.resources.tolerations ?? []).map((key) => ({ key, operator: "Exists" })),
];

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * The class's affinities intersected with the configured ones, as renku-data-services merges them:
 * the class's required term is ANDed into each configured term (terms are ORed, so a term beside
 * them could be bypassed), preferred terms are concatenated, and an empty block is left out
 * (kube-apiserver refuses a required block without terms).
 */
export function affinityValue(ctx: ContainerContext): Json {
  const base = ctx.config.sessions.affinity;
  const classAffinities = ctx.resources.nodeAffinities ?? [];
  if (classAffinities.length === 0) return base;
  const configured = obj(base.nodeAffinity);
  const expr = (key: string) => ({ key, operator: "Exists" });
  const required = classAffinities
    .filter((a) => a.required_during_scheduling)
    .map((a) => expr(a.key));
  const preferred = classAffinities
    .filter((a) => !a.required_during_scheduling)
    .map((a) => expr(a.key));
  const preferredTerms = [
    ...arr(configured.preferredDuringSchedulingIgnoredDuringExecution),
    ...(preferred.length ? [{ weight: 1, preference: { matchExpressions: preferred } }] : []),
  ];
  const configuredTerms = arr(
    obj(configured.requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms,
  ).map(obj);
  const classTerm = { matchExpressions: required };
  const requiredTerms = !required.length
    ? configuredTerms
    : !configuredTerms.length
      ? [classTerm]
      : configuredTerms.map((t) => ({
          ...t,
          matchExpressions: [...arr(t.matchExpressions), ...required],
        }));
  const {
    preferredDuringSchedulingIgnoredDuringExecution: _p,
    requiredDuringSchedulingIgnoredDuringExecution: _r,
    ...otherNode
  } = configured;
  return {
    ...base,
    nodeAffinity: {
      ...otherNode,
      ...(preferredTerms.length
        ? { preferredDuringSchedulingIgnoredDuringExecution: preferredTerms }
        : {}),
      ...(requiredTerms.length
        ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: requiredTerms } }
        : {}),
    },
  };
}

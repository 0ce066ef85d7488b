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

export function affinityValue(ctx: ContainerContext): Json {
  const base = ctx.config.sessions.affinity;
  const classAffinities = ctx.resources.nodeAffinities ?? [];
  if (classAffinities.length === 0) return base;
  const nodeAffinity = obj(base.nodeAffinity);
  const expr = (key: string) => ({ key, operator: "Exists" });
  const required = classAffinities
    .filter((a) => a.required_during_scheduling)
    .map((a) => expr(a.key));
  const preferred = classAffinities
    .filter((a) => !a.required_during_scheduling)
    .map((a) => expr(a.key));
  return {
    ...base,
    nodeAffinity: {
      ...nodeAffinity,
      preferredDuringSchedulingIgnoredDuringExecution: [
        ...arr(nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution),
        ...(preferred.length ? [{ weight: 1, preference: { matchExpressions: preferred } }] : []),
      ],
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          ...arr(
            obj(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms,
          ),
          ...(required.length ? [{ matchExpressions: required }] : []),
        ],
      },
    },
  };
}

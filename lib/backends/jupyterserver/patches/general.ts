/** Scheduling and pod-level patches (section 4, rows 1-6). */

import type { AmaltheaPatch } from "../types.js";
import { add, jsonPatch, type PatchContext, STS } from "./context.js";

/** Fails the launch fast if Amalthea's container order is not what later patches index into. */
export function testContainerOrder(ctx: PatchContext): AmaltheaPatch[] {
  const names =
    ctx.user.kind === "registered"
      ? ctx.config.sessions.containers.registered.slice(0, 2)
      : ctx.config.sessions.containers.anonymous.slice(0, 1);
  return names.map((name, i) =>
    jsonPatch({ op: "test", path: `${STS}/containers/${i}/name`, value: name }),
  );
}

export function tolerations(ctx: PatchContext): AmaltheaPatch[] {
  return [jsonPatch(add(`${STS}/tolerations`, tolerationsValue(ctx)))];
}

export const tolerationsValue = (ctx: PatchContext) => [
  { key: "renku.io/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
  ...ctx.config.sessions.tolerations,
  ...(ctx.resources.tolerations ?? []).map((key) => ({ key, operator: "Exists" })),
];

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Config affinity; a resource class with node affinities adds its match expressions to it. */
export function affinity(ctx: PatchContext): AmaltheaPatch[] {
  return [jsonPatch(add(`${STS}/affinity`, affinityValue(ctx)))];
}

/**
 * The class's affinities intersected with the configured ones, as renku-data-services merges them:
 * the class's required term is ANDed into each configured term (terms are ORed, so a term beside
 * them could be bypassed), preferred terms are concatenated, and an empty block is left out
 * (kube-apiserver refuses a required block without terms).
 */
export function affinityValue(ctx: PatchContext): Json {
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

export function nodeSelector(ctx: PatchContext): AmaltheaPatch[] {
  if ((ctx.resources.nodeAffinities ?? []).length > 0) return [];
  return [jsonPatch(add(`${STS}/nodeSelector`, ctx.config.sessions.node_selector))];
}

/** Long grace so the git sidecar's preStop autosave can finish [1.18]. */
export function terminationGracePeriod(ctx: PatchContext): AmaltheaPatch[] {
  return [
    jsonPatch(
      add(
        `${STS}/terminationGracePeriodSeconds`,
        ctx.config.sessions.termination_grace_period_seconds,
      ),
    ),
  ];
}

export function priorityClass(ctx: PatchContext): AmaltheaPatch[] {
  if (!ctx.resources.priorityClass) return [];
  return [jsonPatch(add(`${STS}/priorityClassName`, ctx.resources.priorityClass))];
}

/**
 * A request the API server proxies to a port of a simulated pod (through a Service or the pod
 * proxy): the ready container listening there answers. Only the git sidecar serves HTTP here, from
 * the session's git state; other containers answer 404.
 */
import type { KObject } from "../types.js";
import { type GitState, sidecarAnswer } from "./git-session.js";
import { renkuImageOf } from "./image-contracts.js";
import type { PodModel } from "./pod-model.js";

/** The answer, or undefined when nothing ready listens there (the caller's 503). */
export function podPortAnswer(
  pod: KObject | undefined,
  model: PodModel | undefined,
  port: number,
  request: { method: string; path: string; body: unknown },
  state: GitState | undefined,
): { code: number; body: unknown } | undefined {
  const target = model?.regular.find(
    (c) =>
      c.ready &&
      ((c.spec as { ports?: Array<{ containerPort?: number }> }).ports ?? []).some(
        (p) => p.containerPort === port,
      ),
  );
  if (!model || !pod || pod.metadata.deletionTimestamp || !target || !state) return undefined;
  if (renkuImageOf(target.image) !== "git-rpc-server") return { code: 404, body: "Not Found" };
  return sidecarAnswer(target.spec, request.method, request.path, request.body, state);
}

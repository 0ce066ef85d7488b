/** GET pods/<name>/log: the container lines the simulated kubelet wrote, with kubelet's 400s. */
import type { LogLine, PodModel } from "./amalthea/pod-model.js";
import { badRequest } from "./status.js";
import type { KObject } from "./types.js";

export interface LogQuery {
  container?: string;
  tailLines?: number;
  timestamps?: boolean;
  previous?: boolean;
  limitBytes?: number;
}

export function podLogs(pod: KObject, model: PodModel | undefined, q: LogQuery): string {
  const name = pod.metadata.name;
  const spec = pod.spec as {
    containers?: Array<{ name: string }>;
    initContainers?: Array<{ name: string }>;
  };
  const regular = (spec.containers ?? []).map((c) => c.name);
  const init = (spec.initContainers ?? []).map((c) => c.name);
  let container = q.container;
  if (!container) {
    if (regular.length === 1) container = regular[0];
    else {
      const inits = init.length ? ` or one of the init containers: [${init.join(" ")}]` : "";
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${regular.join(" ")}]${inits}`,
      );
    }
  }
  if (!container || (!regular.includes(container) && !init.includes(container)))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  const sim = model?.containers.find((c) => c.name === container);
  let lines: LogLine[];
  if (q.previous) {
    if (!sim || sim.restartCount === 0)
      throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    lines = sim.previousLogs;
  } else if (!sim || ("waiting" in sim.state && sim.state.waiting.reason !== "CrashLoopBackOff")) {
    const reason = sim && "waiting" in sim.state ? sim.state.waiting.reason : "ContainerCreating";
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  } else {
    // In CrashLoopBackOff the current container is the one that just died: show its output.
    lines = "waiting" in sim.state ? sim.previousLogs : sim.logs;
  }
  let selected = lines;
  if (q.tailLines !== undefined) selected = q.tailLines <= 0 ? [] : lines.slice(-q.tailLines);
  let text = selected.map((l) => (q.timestamps ? `${l.time} ${l.text}\n` : `${l.text}\n`)).join("");
  if (q.limitBytes !== undefined && q.limitBytes > 0)
    text = Buffer.from(text).subarray(0, q.limitBytes).toString();
  return text;
}

/**
 * Which Kubernetes events belong to a JupyterServer session, and which status step each one is
 * about. The operator names the StatefulSet and the PVC after the session and the pod after the
 * StatefulSet, so two event lists (by involved object name) cover them all.
 */
import type { CoreV1Event } from "@kubernetes/client-node/dist/gen/index.js";
import { podName } from "./ownership.js";
import { stepOfContainer } from "./status.js";
import type { JupyterServer } from "./types.js";

/** The session's own objects, by name, and the kinds each name may stand for. */
export function eventSources(js: JupyterServer): { name: string; kinds: string[] }[] {
  const name = js.metadata.name;
  return [
    { name, kinds: [js.kind, "StatefulSet", "PersistentVolumeClaim"] },
    { name: js.status?.mainPod?.name ?? podName(name), kinds: ["Pod"] },
  ];
}

/** `spec.containers{git-clone}` -> "Cloning and configuring the repository"; else undefined. */
export function stepOfEvent(event: CoreV1Event): string | undefined {
  const container = /^spec\.(?:initContainers|containers)\{([^}]+)\}$/.exec(
    event.involvedObject?.fieldPath ?? "",
  )?.[1];
  return container ? stepOfContainer(container) : undefined;
}

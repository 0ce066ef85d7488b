/**
 * Who owns a JupyterServer, and which containers and pod it has: read from the labels, the
 * annotations and the status the operator writes (sections 3, 9).
 */
import type { User } from "../../auth/user.js";
import { ownsSession } from "../../sessions/ownership.js";
import { SAFE_USERNAME_LABEL } from "../jupyterserver/manifest.js";
import type { JupyterServer } from "../jupyterserver/types.js";
import { sessionOwner, type ViewSource } from "./view.js";

/** Ownership (lib/sessions/ownership.ts) of a JupyterServer, read through the session view. */
export function isOwnedBy(
  js: ViewSource,
  user: Pick<User, "safeUsername" | "id" | "kind">,
): boolean {
  return ownsSession(sessionOwner(js), user);
}

/** The label selector that lists a user's sessions (D12). */
export const ownerSelector = (user: Pick<User, "safeUsername">) =>
  `${SAFE_USERNAME_LABEL}=${user.safeUsername}`;

/** Containers whose logs GET /logs reads: init then regular, as the operator reported them (9). */
export function logContainers(js: JupyterServer): string[] {
  const states = js.status?.containerStates;
  return [...Object.keys(states?.init ?? {}), ...Object.keys(states?.regular ?? {})];
}

/** The session's pod: always `<name>-0` (Amalthea StatefulSet). */
export const podName = (name: string) => `${name}-0`;

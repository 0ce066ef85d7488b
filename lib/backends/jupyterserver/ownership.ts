/**
 * Who owns a JupyterServer, and which containers and pod it has: read from the labels, the
 * annotations and the status the operator writes (sections 3, 9).
 */
import type { User } from "../../auth/user.js";
import { SAFE_USERNAME_LABEL } from "./manifest.js";
import type { JupyterServer } from "./types.js";

/** Always set at creation (the label of that name is left out when the id is no label value). */
const USER_ID_ANNOTATION = "renku.io/userId";

/**
 * Ownership: a session belongs to the caller iff its safe-username label is theirs (else 404) and
 * it was made for the same identity. The safe username alone is not enough: escaping lower-cases,
 * so "Alice", "alice" and an anonymous id "alice" (which any client can send) all share one.
 */
export function isOwnedBy(
  js: { metadata: Pick<JupyterServer["metadata"], "labels" | "annotations"> },
  user: Pick<User, "safeUsername" | "id">,
): boolean {
  return (
    js.metadata.labels?.[SAFE_USERNAME_LABEL] === user.safeUsername &&
    js.metadata.annotations?.[USER_ID_ANNOTATION] === user.id
  );
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

/** A session's usage for the quotas, read from what the API shows its owner (any backend). */
import { bytesFromQuantity, cpuFromQuantity } from "../util/quantities.js";
import type { SessionUsage } from "./count.js";
import type { CountedSession } from "./reserve.js";

/** The part of a NotebookResponse the quotas read. */
export interface ShownSession {
  status: { state: SessionUsage["state"] };
  resources: { requests: Record<string, string | number> };
}

/**
 * `shown` undefined (a session the service cannot serialise, e.g. edited by hand) counts as
 * starting with no resources: it holds a place, and nothing is known of its size.
 */
export function sessionUsage(
  name: string,
  owner: Pick<SessionUsage, "kind" | "ownerId">,
  shown: ShownSession | undefined,
): CountedSession {
  const requests = shown?.resources.requests ?? {};
  return {
    name,
    ...owner,
    state: shown?.status.state ?? "starting",
    cpu: cpuFromQuantity(requests.cpu) ?? 0,
    memory: bytesFromQuantity(requests.memory) ?? 0,
  };
}

/** A session's CPU and memory share for the quotas, read from what the API shows its owner. */
import { bytesFromQuantity, cpuFromQuantity } from "../util/quantities.js";

/** The part of a NotebookResponse the quotas read. */
export interface ShownSession {
  resources: { requests: Record<string, string | number> };
}

/** `shown` undefined (a session the service cannot serialise, e.g. edited by hand): no share known. */
export function sessionShare(shown: ShownSession | undefined): { cpu: number; memory: number } {
  const requests = shown?.resources.requests ?? {};
  return {
    cpu: cpuFromQuantity(requests.cpu) ?? 0,
    memory: bytesFromQuantity(requests.memory) ?? 0,
  };
}

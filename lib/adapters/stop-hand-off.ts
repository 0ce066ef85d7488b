/**
 * Where a stop that needs the sidecar's autosave first runs (D24): handed to
 * NB_AUTOSAVE__ON_STOP_FUNCTION through Lambda's Invoke API (InvocationType Event) when it is
 * set; unset, the stop runs inline as before (the pod's preStop autosave only).
 */
import type { StopHandOff } from "../autosave/stop-hand-off.js";
import type { Adapter } from "./deps.js";
import { lambdaInvoker } from "./launch-cleanup.js";

export const stopHandOff: Adapter<"stopHandOff"> = ({ config }): StopHandOff | undefined => {
  const functionName = config.autosave.on_stop_function;
  if (!functionName) return undefined;
  const invoke = lambdaInvoker(config);
  return (job) => invoke(functionName, { stopSession: job });
};

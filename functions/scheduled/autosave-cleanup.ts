/** Scheduled clean-up of stale autosave branches (D17). Its logic lands with the autosave issue. */
import { getDeps } from "../../lib/deps.js";

export const main = async (): Promise<{ status: string }> => {
  getDeps().log.warn("autosave clean-up is not implemented yet");
  return { status: "not-implemented" };
};

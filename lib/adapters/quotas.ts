/** The quota places' ConfigMaps; shares the function's k8s client when it declared one. */
import type { Adapter } from "./deps.js";
import { k8s } from "./k8s.js";
import { configMapSlotStore } from "./quota-store.js";

export const quotas: Adapter<"quotas"> = (core, built) =>
  configMapSlotStore(built.k8s ?? k8s(core, built), core.config.quotas.reservations_name);

/** The AmaltheaSessions of the sessions namespace (v2 routes), on the function's cluster access. */
import type { AmaltheaSession } from "../backends/amaltheasession/types.js";
import { AMALTHEA_SESSIONS } from "../backends/select.js";
import type { Adapter } from "./deps.js";
import { k8s } from "./k8s.js";

export const amaltheaSessions: Adapter<"amaltheaSessions"> = (core, built) =>
  (built.k8s ?? k8s(core, built)).forResource<AmaltheaSession>(AMALTHEA_SESSIONS);

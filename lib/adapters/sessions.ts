/** The sessions backend the configuration names (NB_AMALTHEA__BACKEND), on the function's k8s client. */
import { sessionBackend } from "../backends/select.js";
import type { Adapter } from "./deps.js";
import { k8s } from "./k8s.js";

export const sessions: Adapter<"sessions"> = (core, built) =>
  sessionBackend(built.k8s ?? k8s(core, built), core.config, core.log);

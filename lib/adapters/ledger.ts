/** The autosave ledger ConfigMap (D17); shares the function's k8s client when it declared one. */
import type { Adapter } from "./deps.js";
import { k8s } from "./k8s.js";
import { configMapLedgerStore } from "./ledger-store.js";

export const ledger: Adapter<"ledger"> = (core, built) =>
  configMapLedgerStore(built.k8s ?? k8s(core, built), core.config.autosave.ledger_name);

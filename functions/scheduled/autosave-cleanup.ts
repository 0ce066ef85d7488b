/**
 * The scheduled clean-up of stale autosave branches (D17), run by an EventBridge schedule, and the
 * clean-up on launch (D11) that POST /servers hands off to it (lib/autosave/hand-off.ts). The jobs
 * are lib/use-cases/scheduled-cleanup.ts, an invocation lib/use-cases/cleanup-invocation.ts. This
 * file wires it: the ledger and GitLab (with the service token) are its adapters.
 */
import { containerDeps } from "../../lib/adapters/deps.js";
import { gitlab } from "../../lib/adapters/gitlab.js";
import { ledger } from "../../lib/adapters/ledger.js";
import { cleanupEntry } from "../../lib/use-cases/cleanup-invocation.js";

export const main = cleanupEntry(containerDeps({ ledger, gitlab }));

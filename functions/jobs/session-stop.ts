/**
 * The stop or hibernation that DELETE and PATCH /servers hand off (D24): the git sidecar's autosave
 * within NB_AUTOSAVE__ON_STOP_DEADLINE_SECONDS, then the deletion or hibernation. The business is
 * lib/use-cases/stop-hand-off.ts; this file wires it.
 */

import { containerDeps } from "../../lib/adapters/deps.js";
import { k8s } from "../../lib/adapters/k8s.js";
import { quotas } from "../../lib/adapters/quotas.js";
import { sessions } from "../../lib/adapters/sessions.js";
import { stopEntry } from "../../lib/use-cases/stop-hand-off.js";

export const main = stopEntry(containerDeps({ k8s, sessions, quotas }));

/**
 * POST /notebooks/servers (docs/spec.md 4.1): 201 with the new session, 200 with the caller's
 * existing one of the same name. The flow lives in lib/use-cases/launch/launch.ts.
 */

import { gitlab } from "../../lib/adapters/gitlab.js";
import { k8s } from "../../lib/adapters/k8s.js";
import { launchCleanup } from "../../lib/adapters/launch-cleanup.js";
import { ledger } from "../../lib/adapters/ledger.js";
import { quotas } from "../../lib/adapters/quotas.js";
import { registry } from "../../lib/adapters/registry.js";
import { resources } from "../../lib/adapters/resources.js";
import { sessions } from "../../lib/adapters/sessions.js";
import { createServer } from "../../lib/api/routes.js";
import { handler } from "../../lib/http/handler.js";
import { created, ok } from "../../lib/http/reply.js";
import { launchSession } from "../../lib/use-cases/index.js";

export const main = handler(
  createServer,
  async ({ body, user, log, event }, deps) => {
    // The address API Gateway saw: the key of an anonymous client's share of the total (D19).
    const client = event.requestContext?.http?.sourceIp;
    const outcome = await launchSession(deps, user, body, log, client);
    return outcome.status === 201 ? created(outcome.server) : ok(outcome.server);
  },
  { k8s, sessions, gitlab, registry, resources, ledger, quotas, launchCleanup },
);

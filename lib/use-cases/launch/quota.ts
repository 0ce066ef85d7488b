/**
 * The quotas step of the launch (issue 14, docs/spec.md D19). The session is reserved in the
 * reservation record before it is created (lib/quotas/reserve.ts); over a limit, 429 code 1429.
 */

import type { Deps } from "../../adapters/deps.js";
import type { User } from "../../auth/user.js";
import type { Session, SessionBackend } from "../../backends/port.js";
import type { Config } from "../../config/schema.js";
import { quotaExceededError } from "../../errors.js";
import type { Logger } from "../../obs/log.js";
import type { QuotaLimits } from "../../quotas/count.js";
import { type CountedSession, reserveQuota } from "../../quotas/reserve.js";
import { sessionUsage } from "../../quotas/usage.js";
import { ownsSession } from "../../sessions/ownership.js";
import type { ResolvedResources } from "../../sessions/types.js";

type QuotaDeps = Pick<Deps, "config" | "sessions" | "quotas" | "now">;

export function quotaLimits(config: Pick<Config, "quotas">): QuotaLimits {
  const q = config.quotas;
  return {
    perRegisteredUser: q.sessions_per_user,
    perAnonymousId: q.sessions_per_anonymous_id,
    anonymousTotal: q.anonymous_sessions_total,
    cpuPerUser: q.cpu_per_user,
    memoryPerUser: q.memory_per_user,
  };
}

/** As the API shows it; undefined when it cannot be serialised (a resource edited by hand). */
function shown(backend: SessionBackend, s: Session, now: Date) {
  try {
    return backend.serialize(s, now);
  } catch {
    return undefined;
  }
}

/**
 * The sessions that may count: a registered caller's own; for an anonymous caller every session
 * recorded as anonymous (their total is a limit). Anonymous sessions made before the kind was
 * recorded are not counted.
 */
export async function countedSessions(deps: QuotaDeps, user: User): Promise<CountedSession[]> {
  const backend = deps.sessions;
  const now = deps.now();
  if (user.kind === "registered") {
    const mine = (await backend.listForUser(user.safeUsername)).filter((s) =>
      ownsSession(backend.owner(s), user),
    );
    return mine.map((s) =>
      sessionUsage(s.name, { kind: user.kind, ownerId: user.id }, shown(backend, s, now)),
    );
  }
  const anonymous = await backend.listAnonymous();
  return anonymous.map((s) =>
    sessionUsage(
      s.name,
      { kind: "anonymous", ownerId: backend.owner(s).userId ?? "" },
      shown(backend, s, now),
    ),
  );
}

/** Reserves the session `name`, or throws 429; resolves to the function that drops the reservation. */
export function reserveSession(
  deps: QuotaDeps,
  user: User,
  name: string,
  resources: Pick<ResolvedResources, "cpu" | "memory">,
  log: Logger,
): Promise<() => Promise<void>> {
  return reserveQuota(
    {
      store: deps.quotas,
      limits: quotaLimits(deps.config),
      sessions: () => countedSessions(deps, user),
      now: () => deps.now().getTime(),
      log,
    },
    { name, kind: user.kind, ownerId: user.id, cpu: resources.cpu, memory: resources.memory },
    (violation) => {
      log.info({ server: name, limit: violation.limit, used: violation.used }, "over a quota");
      return quotaExceededError(violation.message);
    },
  );
}

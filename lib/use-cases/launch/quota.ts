/**
 * The quotas around a launch, a resume and a class change (issue 25, docs/spec.md D19): the places
 * a session takes (lib/quotas/reserve.ts), and their refusals as the API answers them: 429 code
 * 1429 over a limit (with Retry-After for the concurrent spawn limit), 503 code 3503 when every
 * round lost its race.
 */

import type { Deps } from "../../adapters/deps.js";
import type { User } from "../../auth/user.js";
import type { Session } from "../../backends/port.js";
import type { Config } from "../../config/schema.js";
import { AppError, quotaExceededError } from "../../errors.js";
import type { Logger } from "../../obs/log.js";
import type { QuotaLimits } from "../../quotas/count.js";
import {
  type Admission,
  type AdmitContext,
  admit,
  type OwnerRef,
  QuotaContention,
  QuotaRefusal,
  quotaScopes,
  reshare,
  type ScopeSet,
  type Slot,
  scopeIds,
  spawnScopes,
} from "../../quotas/reserve.js";
import { sessionShare } from "../../quotas/usage.js";

type QuotaDeps = Pick<Deps, "config" | "sessions" | "quotas" | "now">;

/** Retry-After of a refusal by the concurrent spawn limit or contention: launches take seconds. */
export const RETRY_AFTER_SECONDS = 5;

export function quotaLimits(config: Pick<Config, "quotas">): QuotaLimits {
  const q = config.quotas;
  return {
    perRegisteredUser: q.sessions_per_user,
    perAnonymousId: q.sessions_per_anonymous_id,
    anonymousTotal: q.anonymous_sessions_total,
    perClient: q.anonymous_sessions_per_client,
    cpuPerUser: q.cpu_per_user,
    memoryPerUser: q.memory_per_user,
  };
}

function admitContext(deps: QuotaDeps, log: Logger): AdmitContext {
  return {
    store: deps.quotas,
    ttlMs: deps.config.quotas.place_ttl_seconds * 1000,
    now: () => deps.now().getTime(),
    log,
    sessionRef: async (name) => {
      const s = await deps.sessions.get(name);
      return s ? deps.sessions.reference(s) : undefined;
    },
  };
}

/** The quotas' refusals as the API answers them; anything else as it was. */
function answered(err: unknown, log: Logger, name: string): unknown {
  const retry = { "Retry-After": String(RETRY_AFTER_SECONDS) };
  if (err instanceof QuotaRefusal) {
    const v = err.violation;
    log.info({ server: name, limit: v.limit, used: v.used }, "over a quota");
    // The spawn limit passes in seconds; the quotas when a session stops (the default detail).
    return v.limit === "concurrentSpawns"
      ? quotaExceededError(v.message, {
          detail: `Try again in ${RETRY_AFTER_SECONDS} seconds.`,
          headers: retry,
        })
      : quotaExceededError(v.message);
  }
  if (err instanceof QuotaContention)
    return new AppError(
      503,
      3503,
      "Too many sessions are being started at once, please try again.",
      {
        detail: `Try again in ${RETRY_AFTER_SECONDS} seconds.`,
        headers: retry,
      },
    );
  return err;
}

const quiet = <T>(p: Promise<T>) => {
  p.catch(() => {});
  return p;
};

export interface LaunchPlaces {
  /** Takes the places for the session `name` (the spawn limit's first), or throws 429/503. */
  take(name: string, share: { cpu: number; memory: number }): Promise<TakenPlaces>;
}

export interface TakenPlaces {
  /** The session exists: it owns its places; a place lost meanwhile is taken again, or 429. */
  adopt(owner: OwnerRef): Promise<void>;
  /** Frees the places (the launch made nothing). */
  release(): Promise<void>;
  /** The launch is over: frees its place among the launches in progress. */
  done(): Promise<void>;
}

/**
 * The places a launch will need. Their lists start at once (reads only, alongside the launch's
 * other reads); nothing is written before take().
 */
export function launchPlaces(
  deps: QuotaDeps,
  user: User,
  client: string | undefined,
  log: Logger,
): LaunchPlaces {
  const ctx = admitContext(deps, log);
  const quota = quotaScopes(quotaLimits(deps.config), {
    kind: user.kind,
    ownerId: user.id,
    client,
  });
  const spawnLimit = deps.config.quotas.concurrent_spawn_limit;
  const spawn = spawnLimit > 0 ? spawnScopes(spawnLimit) : undefined;
  let early: { quota?: Promise<Slot[]>; spawn?: Promise<Slot[]> } = {
    quota: quiet(deps.quotas.list(scopeIds(quota))),
    ...(spawn ? { spawn: quiet(deps.quotas.list(scopeIds(spawn))) } : {}),
  };
  return {
    async take(name, share) {
      const lists = early;
      early = {}; // a second name lists afresh
      const request = { session: name, ...share };
      let inProgress: Admission | undefined;
      try {
        if (spawn) inProgress = await admit(ctx, spawn, { ...request, listed: lists.spawn });
        const places = await admit(ctx, quota, { ...request, listed: lists.quota });
        return {
          adopt: (owner) =>
            places.adopt(owner).catch((err) => Promise.reject(answered(err, log, name))),
          release: () => Promise.all([places.release(), inProgress?.release()]).then(() => {}),
          done: async () => {
            await inProgress?.release();
            inProgress = undefined;
          },
        };
      } catch (err) {
        await inProgress?.release();
        throw answered(err, log, name);
      }
    },
  };
}

const scopesOf = (deps: QuotaDeps, user: User): ScopeSet =>
  quotaScopes(quotaLimits(deps.config), { kind: user.kind, ownerId: user.id });

/** A resume takes its places like a launch, owned by the session from the start. */
export async function resumePlaces(
  deps: QuotaDeps,
  user: User,
  session: Session,
  log: Logger,
): Promise<Admission> {
  const backend = deps.sessions;
  let shown: Parameters<typeof sessionShare>[0];
  try {
    shown = backend.serialize(session, deps.now());
  } catch {
    shown = undefined;
  }
  try {
    return await admit(admitContext(deps, log), scopesOf(deps, user), {
      session: session.name,
      ...sessionShare(shown),
      owner: backend.reference(session),
    });
  } catch (err) {
    throw answered(err, log, session.name);
  }
}

/** A class change of a session that holds a place records its new CPU and memory share, or 429. */
export async function changePlaceShare(
  deps: QuotaDeps,
  user: User,
  name: string,
  share: { cpu: number; memory: number },
  log: Logger,
): Promise<() => Promise<void>> {
  try {
    return await reshare(admitContext(deps, log), scopesOf(deps, user), {
      session: name,
      ...share,
    });
  } catch (err) {
    throw answered(err, log, name);
  }
}

/**
 * Quotas that hold under concurrent POSTs (issue 14). Counting sessions and then creating one is a
 * race: fifty POSTs that each count two sessions all create a third. So a launch first *reserves*
 * its session in a small shared record (a ConfigMap, written only at the resourceVersion it was
 * read at), then creates it, then drops the reservation:
 *   1. read the reservations (version v), 2. list the sessions that count, 3. count both (a
 *   reservation whose session is listed counts once), 4. over a limit: 429, else write the
 *   reservations plus this one at v; a lost race re-reads and counts again.
 * Every admitted launch's reservation was written with every earlier admitted one in view: it is
 * either still in the record, or was dropped after its session was created and before our read,
 * so the list (made after the read) shows the session. Reservations expire after `ttlMs` (longer
 * than a launch can take), so a launch that dies between reserving and creating blocks nothing
 * for long. See docs/spec.md D19.
 */
import { createHash, randomUUID } from "node:crypto";
import { ConflictError, upstreamUnavailable } from "../errors.js";
import type { Logger } from "../obs/log.js";
import {
  checkQuota,
  type QuotaLimits,
  type QuotaRequest,
  type QuotaViolation,
  type SessionUsage,
} from "./count.js";

export interface Reservation {
  id: string;
  /** The session it is for: once a listed session has this name, the session counts instead. */
  name: string;
  kind: SessionUsage["kind"];
  ownerId: string;
  cpu: number;
  memory: number;
  /** Unix milliseconds when it was made. */
  at: number;
}

export interface ReservationStore {
  /** version "" means there is no record yet; writing at "" creates it. */
  read(scope: string): Promise<{ reservations: Reservation[]; version: string }>;
  /** Throws ConflictError when `version` is stale. */
  write(scope: string, reservations: Reservation[], version: string): Promise<void>;
}

/** A session as the quotas see it: its usage and its name. */
export type CountedSession = SessionUsage & { name: string };

export interface QuotaContext {
  store: ReservationStore;
  limits: QuotaLimits;
  /** The sessions that may count against the request; called after each read of the record. */
  sessions: () => Promise<CountedSession[]>;
  now: () => number;
  log: Logger;
  ttlMs?: number;
  /** How long to keep retrying lost races before answering 503. */
  budgetMs?: number;
}

/** Longer than a POST may run (28 s in serverless.yml), so a live launch's reservation never lapses. */
export const RESERVATION_TTL_MS = 60_000;
/** Well inside the POST's deadline; every lost race means another launch was admitted. */
const BUDGET_MS = 10_000;

/**
 * One record for all anonymous sessions (their total is one limit); registered users are spread
 * over 16 records by their id, so unrelated launches rarely contend.
 */
export function reservationScope(request: Pick<QuotaRequest, "kind" | "ownerId">): string {
  if (request.kind === "anonymous") return "anonymous";
  return `registered-${createHash("sha256").update(request.ownerId).digest("hex").slice(0, 1)}`;
}

/** The first limit broken by the sessions and the live reservations not yet seen as sessions. */
export function checkWithReservations(
  limits: QuotaLimits,
  sessions: readonly CountedSession[],
  reservations: readonly Reservation[],
  request: QuotaRequest,
): QuotaViolation | undefined {
  const listed = new Set(sessions.map((s) => s.name));
  const pending: SessionUsage[] = reservations
    .filter((r) => !listed.has(r.name))
    .map((r) => ({ ...r, state: "starting" }));
  return checkQuota(limits, [...sessions, ...pending], request);
}

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * Math.min(attempt, 5)));

/**
 * Reserves a place for the session `name`, or throws `overQuota(violation)`. Resolves to the
 * function that drops the reservation (best effort: it expires anyway).
 */
export async function reserveQuota(
  ctx: QuotaContext,
  request: QuotaRequest & { name: string },
  overQuota: (v: QuotaViolation) => Error,
): Promise<() => Promise<void>> {
  const scope = reservationScope(request);
  const ttl = ctx.ttlMs ?? RESERVATION_TTL_MS;
  const until = Date.now() + (ctx.budgetMs ?? BUDGET_MS);
  for (let attempt = 1; attempt === 1 || Date.now() < until; attempt++) {
    const { reservations, version } = await ctx.store.read(scope);
    const now = ctx.now();
    const live = reservations.filter((r) => now - r.at < ttl && r.at <= now + ttl);
    const sessions = await ctx.sessions();
    // An identical launch got there first: this one's create will answer with its session (or
    // find the name taken), so it adds nothing to count and needs no place of its own.
    if (live.some((r) => r.name === request.name) || sessions.some((s) => s.name === request.name))
      return async () => {};
    const violation = checkWithReservations(ctx.limits, sessions, live, request);
    if (violation) throw overQuota(violation);
    const mine: Reservation = {
      id: randomUUID(),
      name: request.name,
      kind: request.kind,
      ownerId: request.ownerId,
      cpu: request.cpu,
      memory: request.memory,
      at: now,
    };
    try {
      await ctx.store.write(scope, [...live, mine], version);
      return () => dropReservation(ctx, scope, mine.id);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      await pause(attempt);
    }
  }
  ctx.log.warn({ scope }, "quota reservations: too much contention");
  throw upstreamUnavailable("Too many sessions are being started at once, please try again.");
}

async function dropReservation(ctx: QuotaContext, scope: string, id: string): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const { reservations, version } = await ctx.store.read(scope);
      if (!reservations.some((r) => r.id === id)) return;
      await ctx.store.write(
        scope,
        reservations.filter((r) => r.id !== id),
        version,
      );
      return;
    } catch (err) {
      if (!(err instanceof ConflictError)) {
        ctx.log.warn({ scope, err: String(err) }, "could not drop a quota reservation");
        return;
      }
      await pause(attempt);
    }
  }
}

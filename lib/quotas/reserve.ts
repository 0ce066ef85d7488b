/**
 * Quotas without a hot object (issue 25, docs/spec.md D19). Each scope (a user, an anonymous id, a
 * client address, the anonymous total, the launches in progress) has a fixed set of places, named
 * `<prefix>-<scope>-<i>` for i below the scope's size. A launch takes a place by creating that
 * object: the create is atomic, 409 means the place is taken. So at most `size` sessions hold a
 * place in a scope whatever the concurrency, and a full scope is seen in one list: 429 at once.
 * The place then gets its session as owner, so the garbage collector frees it with the session.
 * A place left unowned past `ttlMs` (a launch that died) is adopted by its session if that exists,
 * else freed; a launch that finds its own place gone after creating (frozen past the TTL) takes
 * one again, or removes its session.
 */
import { createHash } from "node:crypto";
import type { Logger } from "../obs/log.js";
import { type QuotaLimitName, type QuotaLimits, type QuotaViolation, violation } from "./count.js";

/** The session that owns a place (a Kubernetes ownerReference). */
export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

/** One taken place. */
export interface Slot {
  /** The object's name. */
  name: string;
  group: string;
  scope: string;
  /** Its place in the scope, below the scope's size. */
  index: number;
  /** The session it was taken for. */
  session: string;
  cpu: number;
  memory: number;
  /** Unix milliseconds of its creation, by the API server's clock. */
  createdAt: number;
  /** Its session, once adopted. */
  owner: OwnerRef | undefined;
  /** Its resourceVersion: writes and deletes are made at it. */
  version: string;
}

/** What taking a place writes; `owner` is set when the session exists already (a resume). */
export type SlotClaim = Pick<Slot, "group" | "scope" | "index" | "session" | "cpu" | "memory"> & {
  owner?: OwnerRef | undefined;
};

export interface SlotStore {
  /** Every place of these scopes (one consistent list). */
  list(scopes: readonly string[]): Promise<Slot[]>;
  /** Takes a place; undefined when it is taken (409). */
  claim(claim: SlotClaim): Promise<Slot | undefined>;
  /** Gives the place its owner at the version read; undefined when it changed or went. */
  adopt(slot: Slot, owner: OwnerRef): Promise<Slot | undefined>;
  /** Records another CPU and memory share at the version read; undefined when it changed. */
  reshare(slot: Slot, cpu: number, memory: number): Promise<Slot | undefined>;
  /** Frees the place at the version read (gone or changed meanwhile: nothing to do). */
  release(slot: Slot): Promise<void>;
  /** Frees every place a session holds (hibernation). */
  releaseSession(session: string): Promise<void>;
}

export interface Scope {
  id: string;
  size: number;
  limit: QuotaLimitName;
}

/** The scopes one launch needs a place in, all listed at once. */
export interface ScopeSet {
  /** A label the set's places share (a user's, or every anonymous place). */
  group: string;
  scopes: Scope[];
  /** CPU and memory limits over the first scope's places (registered users). */
  shares?: { cpu?: number | undefined; memory?: number | undefined };
  /** Places of sessions (adopted when stale and their session exists); false: launches in progress. */
  owned: boolean;
}

export interface QuotaIdentity {
  kind: "registered" | "anonymous";
  /** The ID token's sub, or the anonymous id. */
  ownerId: string;
  /** The client's source address (API Gateway's requestContext.http.sourceIp). */
  client?: string | undefined;
}

const digest = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

/** A registered user's one scope (by sub); an anonymous id's own, its address's share and the total. */
export function quotaScopes(limits: QuotaLimits, who: QuotaIdentity): ScopeSet {
  if (who.kind === "registered") {
    const id = `u-${digest(who.ownerId)}`;
    return {
      group: id,
      scopes: [{ id, size: limits.perRegisteredUser, limit: "perRegisteredUser" }],
      shares: { cpu: limits.cpuPerUser, memory: limits.memoryPerUser },
      owned: true,
    };
  }
  const scopes: Scope[] = [
    { id: `a-${digest(who.ownerId)}`, size: limits.perAnonymousId, limit: "perAnonymousId" },
  ];
  if (limits.perClient > 0 && who.client)
    scopes.push({ id: `c-${digest(who.client)}`, size: limits.perClient, limit: "perClient" });
  scopes.push({ id: "anonymous", size: limits.anonymousTotal, limit: "anonymousTotal" });
  return { group: "anonymous", scopes, owned: true };
}

/** The deployment's launches in progress (JupyterHub's concurrent_spawn_limit). */
export function spawnScopes(limit: number): ScopeSet {
  return {
    group: "spawn",
    scopes: [{ id: "spawn", size: limit, limit: "concurrentSpawns" }],
    owned: false,
  };
}

/** Over a limit: the caller answers 429 code 1429. */
export class QuotaRefusal extends Error {
  constructor(readonly violation: QuotaViolation) {
    super(violation.message);
  }
}

/** Every round lost a race for the last free places: the caller answers 503 code 3503. */
export class QuotaContention extends Error {}

export interface AdmitContext {
  store: SlotStore;
  /** A place unowned for longer than this was left by a launch that died. */
  ttlMs: number;
  now: () => number;
  log: Logger;
  /** The session of that name, when it exists. */
  sessionRef: (name: string) => Promise<OwnerRef | undefined>;
  /** Rounds of list-then-claim before giving up (each lost one means another launch got in). */
  maxRounds?: number;
}

export interface AdmitRequest {
  session: string;
  cpu: number;
  memory: number;
  owner?: OwnerRef | undefined;
  /** The group's list when the caller started it early (alongside its other reads). */
  listed?: Promise<Slot[]> | undefined;
}

export interface Admission {
  /** The places taken by this admission (not those the session held already). */
  readonly taken: Slot[];
  /**
   * Makes the new session the places' owner. A place lost meanwhile (this launch was frozen past
   * the TTL) is taken again; throws QuotaRefusal when there is no room left for it.
   */
  adopt(owner: OwnerRef): Promise<void>;
  /** Frees the places this admission took. */
  release(): Promise<void>;
}

const MAX_ROUNDS = 10;

export const scopeIds = (set: ScopeSet) => set.scopes.map((s) => s.id);

/** Frees stale unowned places: adopted by their session if it exists, else deleted. */
async function tidy(ctx: AdmitContext, set: ScopeSet, slots: Slot[]): Promise<Slot[]> {
  const now = ctx.now();
  const stale = slots.filter((s) => !s.owner && now - s.createdAt > ctx.ttlMs);
  if (stale.length === 0) return slots;
  const freed = new Set<string>();
  await Promise.all(
    stale.map(async (s) => {
      const ref = set.owned
        ? await ctx.sessionRef(s.session).catch(() => "unknown" as const)
        : undefined;
      if (ref === "unknown") return; // cannot tell: it keeps its place
      if (ref) {
        await ctx.store.adopt(s, ref);
        return;
      }
      ctx.log.info({ slot: s.name, session: s.session }, "quota: freeing a place a launch left");
      await ctx.store.release(s);
      freed.add(s.name);
    }),
  );
  return slots.filter((s) => !freed.has(s.name));
}

/** The first limit the CPU and memory shares would break, `mine` excluded from what is used. */
function overShares(set: ScopeSet, slots: Slot[], req: AdmitRequest): QuotaViolation | undefined {
  const first = set.scopes[0];
  if (!set.shares || !first) return undefined;
  const others = slots.filter((s) => s.scope === first.id && s.session !== req.session);
  const sum = (key: "cpu" | "memory") => others.reduce((n, s) => n + s[key], 0);
  const { cpu, memory } = set.shares;
  return (
    (cpu === undefined ? undefined : violation("cpuPerUser", cpu, sum("cpu"), req.cpu)) ??
    (memory === undefined
      ? undefined
      : violation("memoryPerUser", memory, sum("memory"), req.memory))
  );
}

const hasShares = (set: ScopeSet) =>
  set.shares?.cpu !== undefined || set.shares?.memory !== undefined;

/**
 * Takes a place in every scope of `set` for `req.session`, or throws QuotaRefusal (a scope is full)
 * or QuotaContention. Places the session holds already count as its own. Calls: one list, one
 * create per scope; a lost create costs one more list and create.
 */
export async function admit(
  ctx: AdmitContext,
  set: ScopeSet,
  req: AdmitRequest,
): Promise<Admission> {
  const held = new Map<string, Slot>();
  const taken: Slot[] = [];
  const releaseTaken = () => Promise.all(taken.map((s) => ctx.store.release(s))).then(() => {});
  let slots = await (req.listed ?? ctx.store.list(scopeIds(set)));
  // Places a create found taken (409). A list made while their creates were in flight may still
  // show them free; they stay counted as taken, so no place is tried twice.
  const lostTo = new Map<string, Set<number>>(set.scopes.map((s) => [s.id, new Set<number>()]));
  const usedIn = (scope: Scope) => {
    const used = new Set(lostTo.get(scope.id));
    for (const s of slots) if (s.scope === scope.id) used.add(s.index);
    return used;
  };
  for (let round = 1; ; round++) {
    slots = await tidy(ctx, set, slots);
    for (const scope of set.scopes) {
      const own = slots.find((s) => s.scope === scope.id && s.session === req.session);
      if (own && !held.has(scope.id)) held.set(scope.id, own);
    }
    const missing = set.scopes.filter((scope) => !held.has(scope.id));
    const refusal =
      missing
        .map((scope) => violation(scope.limit, scope.size, usedIn(scope).size, 1))
        .find((v) => v !== undefined) ??
      (missing.length > 0 ? overShares(set, slots, req) : undefined);
    if (refusal) {
      await releaseTaken();
      throw new QuotaRefusal(refusal);
    }
    let lost = false;
    for (const scope of missing) {
      const used = usedIn(scope);
      const free = [...Array(scope.size).keys()].filter((i) => !used.has(i));
      const index = free[Math.floor(Math.random() * free.length)] ?? 0;
      const slot = await ctx.store.claim({
        group: set.group,
        scope: scope.id,
        index,
        session: req.session,
        cpu: req.cpu,
        memory: req.memory,
        owner: req.owner,
      });
      if (!slot) {
        lostTo.get(scope.id)?.add(index);
        lost = true;
        break;
      }
      held.set(scope.id, slot);
      taken.push(slot);
      slots.push(slot);
    }
    if (!lost) break;
    if (round >= (ctx.maxRounds ?? MAX_ROUNDS)) {
      await releaseTaken();
      ctx.log.warn({ group: set.group, rounds: round }, "quota: every round lost its race");
      throw new QuotaContention("Too many sessions are being started at once.");
    }
    slots = await ctx.store.list(scopeIds(set));
  }
  // The shares are sums, not places: a concurrent launch of the same user may have added to them
  // since the list. Checked again with this launch's place in view; over: both step back.
  if (taken.length > 0 && hasShares(set)) {
    const now = await ctx.store.list(scopeIds(set));
    const over = overShares(set, now, req);
    if (over) {
      await releaseTaken();
      throw new QuotaRefusal(over);
    }
  }
  return admission(ctx, set, req, taken);
}

function admission(ctx: AdmitContext, set: ScopeSet, req: AdmitRequest, taken: Slot[]): Admission {
  return {
    taken,
    async adopt(owner) {
      const results = await Promise.all(
        taken.map(async (s, i) => {
          if (s.owner) return true;
          const adopted = await ctx.store.adopt(s, owner);
          if (adopted) taken[i] = adopted;
          return adopted !== undefined;
        }),
      );
      const lost = taken.filter((_, i) => !results[i]);
      if (lost.length === 0) return;
      // Frozen past the TTL: the place was freed (or adopted for this very session). Take it again.
      ctx.log.warn(
        { session: req.session },
        "quota: a launch's place lapsed before its session was made",
      );
      const scopes = set.scopes.filter((scope) => lost.some((s) => s.scope === scope.id));
      const again = await admit(ctx, { ...set, scopes }, { ...req, owner, listed: undefined });
      for (const s of lost) taken.splice(taken.indexOf(s), 1);
      taken.push(...again.taken);
    },
    release: () => Promise.all(taken.map((s) => ctx.store.release(s))).then(() => {}),
  };
}

/**
 * Records a new CPU and memory share on the place the session holds in the set's first scope (a
 * class change), or throws QuotaRefusal. Nothing to do when no share is limited or the session
 * holds no place (hibernated: its resume is checked). Resolves to the undo.
 */
export async function reshare(
  ctx: AdmitContext,
  set: ScopeSet,
  req: { session: string; cpu: number; memory: number },
): Promise<() => Promise<void>> {
  const first = set.scopes[0];
  const nothing = async () => {};
  if (!first || !hasShares(set)) return nothing;
  const mineIn = (slots: Slot[]) =>
    slots.find((s) => s.scope === first.id && s.session === req.session);
  for (let round = 1; ; round++) {
    const slots = await ctx.store.list(scopeIds(set));
    const mine = mineIn(slots);
    if (!mine) return nothing;
    const over = overShares(set, slots, req);
    if (over) throw new QuotaRefusal(over);
    const updated = await ctx.store.reshare(mine, req.cpu, req.memory);
    if (!updated) {
      if (round >= (ctx.maxRounds ?? MAX_ROUNDS))
        throw new QuotaContention("Too many changes to one user's sessions at once.");
      continue;
    }
    const undo = async () => {
      const now = mineIn(await ctx.store.list(scopeIds(set)));
      if (now) await ctx.store.reshare(now, mine.cpu, mine.memory);
    };
    // As for a launch: a concurrent change may have added to the sums since the list.
    const again = overShares(set, await ctx.store.list(scopeIds(set)), req);
    if (again) {
      await undo();
      throw new QuotaRefusal(again);
    }
    return undo;
  }
}

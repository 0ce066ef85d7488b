/**
 * The admission's logic over an in-memory store with the API server's rules for the places: a
 * create of a taken name loses (409), writes and deletes at a stale version lose.
 */
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../lib/obs/log.js";
import {
  type AdmitContext,
  admit,
  type OwnerRef,
  QuotaContention,
  QuotaRefusal,
  quotaScopes,
  reshare,
  type Slot,
  type SlotStore,
} from "../../../lib/quotas/reserve.js";

function memoryStore(clock: () => number) {
  const objects = new Map<string, Slot>();
  let version = 0;
  const calls: string[] = [];
  const key = (s: Pick<Slot, "scope" | "index">) => `${s.scope}-${s.index}`;
  const bump = (s: Slot): Slot => ({ ...s, version: String(++version) });
  const store: SlotStore & { conflictClaims?: boolean } = {
    async list(scopes) {
      calls.push("list");
      await Promise.resolve();
      return [...objects.values()].filter((s) => scopes.includes(s.scope));
    },
    async claim(c) {
      calls.push("claim");
      await Promise.resolve();
      if (store.conflictClaims || objects.has(key(c))) return undefined;
      const slot = bump({ ...c, name: key(c), createdAt: clock(), owner: c.owner, version: "" });
      objects.set(slot.name, slot);
      return slot;
    },
    async adopt(s, owner) {
      calls.push("adopt");
      const live = objects.get(s.name);
      if (live?.version !== s.version) return undefined;
      const next = bump({ ...live, owner });
      objects.set(s.name, next);
      return next;
    },
    async reshare(s, cpu, memory) {
      const live = objects.get(s.name);
      if (live?.version !== s.version) return undefined;
      const next = bump({ ...live, cpu, memory });
      objects.set(s.name, next);
      return next;
    },
    async release(s) {
      calls.push("release");
      if (objects.get(s.name)?.version === s.version) objects.delete(s.name);
    },
    async releaseSession(session) {
      for (const [k, s] of objects) if (s.session === session) objects.delete(k);
    },
  };
  return { store, objects, calls };
}

const LIMITS = { perRegisteredUser: 3, perAnonymousId: 1, anonymousTotal: 5, perClient: 2 };
const owner = (name: string): OwnerRef => ({
  apiVersion: "v1",
  kind: "S",
  name,
  uid: `uid-${name}`,
});

function setUp(sessions = new Set<string>()) {
  let now = 1_000_000;
  const mem = memoryStore(() => now);
  const ctx: AdmitContext = {
    store: mem.store,
    ttlMs: 60_000,
    now: () => now,
    log: createLogger("silent"),
    sessionRef: async (name) => (sessions.has(name) ? owner(name) : undefined),
  };
  return { ...mem, ctx, advance: (ms: number) => (now += ms) };
}

const alice = quotaScopes(LIMITS, { kind: "registered", ownerId: "sub-alice" });
const req = (session: string) => ({ session, cpu: 1, memory: 1 });

describe("admit", () => {
  it("admits exactly the places out of many concurrent launches; the rest are refused at once", async () => {
    const { ctx, objects } = setUp();
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => admit(ctx, alice, req(`s${i}`))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused).toHaveLength(27);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(QuotaRefusal);
    expect(objects.size).toBe(3);
  });

  it("an anonymous launch takes its id's place, its address's and the total's; a refusal frees what it took", async () => {
    const { ctx, objects } = setUp();
    const anon = (id: string, client: string) =>
      quotaScopes(LIMITS, { kind: "anonymous", ownerId: id, client });
    await admit(ctx, anon("a1", "10.0.0.1"), req("n1"));
    await admit(ctx, anon("a2", "10.0.0.1"), req("n2"));
    expect(objects.size).toBe(6);
    const third = admit(ctx, anon("a3", "10.0.0.1"), req("n3"));
    await expect(third).rejects.toMatchObject({ violation: { limit: "perClient", used: 2 } });
    // Its id's place was taken first (narrowest scope first) and given back.
    expect(objects.size).toBe(6);
    await admit(ctx, anon("a3", "10.0.0.2"), req("n3"));
    expect(objects.size).toBe(9);
  });

  it("gives up with QuotaContention after a bounded number of rounds, holding nothing", async () => {
    const { ctx, store, calls, objects } = setUp();
    store.conflictClaims = true;
    const wide = quotaScopes(
      { ...LIMITS, perRegisteredUser: 10 },
      { kind: "registered", ownerId: "w" },
    );
    await expect(admit({ ...ctx, maxRounds: 4 }, wide, req("s"))).rejects.toBeInstanceOf(
      QuotaContention,
    );
    expect(calls.filter((c) => c === "claim")).toHaveLength(4);
    expect(calls.filter((c) => c === "list")).toHaveLength(4);
    expect(objects.size).toBe(0);
  });

  it("never tries a place twice: lists that still show lost places free end in a refusal", async () => {
    const { ctx, store, calls } = setUp();
    // Every create loses, and every list comes back empty (made while the winners' creates flew).
    store.conflictClaims = true;
    await expect(admit(ctx, alice, req("s"))).rejects.toMatchObject({
      violation: { limit: "perRegisteredUser", used: 3 },
    });
    expect(calls.filter((c) => c === "claim")).toHaveLength(3);
  });

  it("a place left unowned past the TTL is freed, or adopted when its session exists", async () => {
    const sessions = new Set(["made"]);
    const { ctx, objects, advance } = setUp(sessions);
    await admit(ctx, alice, req("lost"));
    await admit(ctx, alice, req("made"));
    await admit(ctx, alice, req("fresh"));
    await expect(admit(ctx, alice, req("x"))).rejects.toBeInstanceOf(QuotaRefusal);
    advance(61_000);
    await admit(ctx, alice, req("x"));
    const bySession = [...objects.values()].map((s) => [s.session, s.owner?.name]).sort();
    // "lost" and "fresh" never got a session: both places were freed.
    expect(bySession).toEqual([
      ["made", "made"],
      ["x", undefined],
    ]);
  });

  it("a launch frozen past the TTL takes its place again when adopting, or is refused when none is left", async () => {
    const { ctx, objects, advance } = setUp();
    const frozen = await admit(ctx, alice, req("frozen"));
    advance(61_000);
    // Two others fill the scope meanwhile, one of them in the frozen launch's freed place.
    await admit(ctx, alice, req("b"));
    await admit(ctx, alice, req("c"));
    await admit(ctx, alice, req("d"));
    await expect(frozen.adopt(owner("frozen"))).rejects.toBeInstanceOf(QuotaRefusal);
    expect([...objects.values()].map((s) => s.session).sort()).toEqual(["b", "c", "d"]);
  });

  it("CPU shares: a launch past the sum is refused, and a class change records its new share", async () => {
    const { ctx, objects } = setUp();
    const capped = quotaScopes({ ...LIMITS, cpuPerUser: 4 }, { kind: "registered", ownerId: "u" });
    await admit(ctx, capped, { session: "a", cpu: 2, memory: 0 });
    await admit(ctx, capped, { session: "b", cpu: 1, memory: 0 });
    await expect(admit(ctx, capped, { session: "c", cpu: 2, memory: 0 })).rejects.toMatchObject({
      violation: { limit: "cpuPerUser", used: 3, adding: 2 },
    });
    await expect(reshare(ctx, capped, { session: "b", cpu: 3, memory: 0 })).rejects.toBeInstanceOf(
      QuotaRefusal,
    );
    await reshare(ctx, capped, { session: "b", cpu: 2, memory: 0 });
    expect([...objects.values()].map((s) => [s.session, s.cpu]).sort()).toEqual([
      ["a", 2],
      ["b", 2],
    ]);
  });

  it("concurrent launches of one user never pass the CPU sum together", async () => {
    const { ctx, objects } = setUp();
    const capped = quotaScopes({ ...LIMITS, cpuPerUser: 2 }, { kind: "registered", ownerId: "u" });
    await Promise.allSettled(
      ["a", "b", "c"].map((s) => admit(ctx, capped, { session: s, cpu: 1.5, memory: 0 })),
    );
    expect([...objects.values()].reduce((n, s) => n + s.cpu, 0)).toBeLessThanOrEqual(2);
  });
});

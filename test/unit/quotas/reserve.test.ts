import { describe, expect, it } from "vitest";
import { ConflictError } from "../../../lib/errors.js";
import { createLogger } from "../../../lib/obs/log.js";
import {
  type CountedSession,
  type Reservation,
  type ReservationStore,
  reservationScope,
  reserveQuota,
} from "../../../lib/quotas/reserve.js";
import { ownsSession } from "../../../lib/sessions/ownership.js";

/** An in-memory record with the ConfigMap's rule: a write at a stale version loses. */
function memoryStore() {
  const records = new Map<string, { reservations: Reservation[]; version: number }>();
  const store: ReservationStore = {
    async read(scope) {
      const r = records.get(scope);
      return { reservations: r?.reservations ?? [], version: r ? String(r.version) : "" };
    },
    async write(scope, reservations, version) {
      const r = records.get(scope);
      if ((r ? String(r.version) : "") !== version) throw new ConflictError(`record ${scope}`);
      records.set(scope, { reservations, version: (r?.version ?? 0) + 1 });
    },
  };
  return { store, records };
}

const log = createLogger("silent");
const LIMITS = { perRegisteredUser: 3, perAnonymousId: 1, anonymousTotal: 5 };
const request = (name: string) => ({
  name,
  kind: "registered" as const,
  ownerId: "sub-alice",
  cpu: 1,
  memory: 1,
});

describe("reserveQuota", () => {
  it("admits exactly the limit out of many concurrent launches, and their drops empty the record", async () => {
    const { store, records } = memoryStore();
    const sessions: CountedSession[] = [];
    const ctx = { store, limits: LIMITS, sessions: async () => sessions, now: Date.now, log };
    const over = () => new Error("over");
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => reserveQuota(ctx, request(`s${i}`), over)),
    );
    const admitted = results.filter((r) => r.status === "fulfilled");
    expect(admitted).toHaveLength(3);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(27);
    for (const r of admitted) await (r as PromiseFulfilledResult<() => Promise<void>>).value();
    const scope = reservationScope({ kind: "registered", ownerId: "sub-alice" });
    expect(records.get(scope)?.reservations).toEqual([]);
  });

  it("counts a reservation and its session once, and ignores lapsed reservations", async () => {
    const { store } = memoryStore();
    const scope = reservationScope({ kind: "registered", ownerId: "sub-alice" });
    const old = { ...request("s0"), id: "old", at: Date.now() - 120_000 };
    const seen = { ...request("s1"), id: "seen", at: Date.now() };
    await store.write(scope, [old, seen], "");
    const sessions: CountedSession[] = [
      { ...request("s1"), state: "starting" },
      { ...request("s2"), state: "running" },
    ];
    const ctx = { store, limits: LIMITS, sessions: async () => sessions, now: Date.now, log };
    await expect(reserveQuota(ctx, request("s3"), () => new Error("over"))).resolves.toBeTypeOf(
      "function",
    );
    await expect(reserveQuota(ctx, request("s4"), () => new Error("over"))).rejects.toThrow("over");
  });

  it("an identical launch (same name) needs no place of its own", async () => {
    const { store } = memoryStore();
    const sessions: CountedSession[] = [
      { ...request("a"), state: "running" },
      { ...request("b"), state: "running" },
      { ...request("c"), state: "running" },
    ];
    const ctx = { store, limits: LIMITS, sessions: async () => sessions, now: Date.now, log };
    await expect(reserveQuota(ctx, request("c"), () => new Error("over"))).resolves.toBeTypeOf(
      "function",
    );
  });
});

describe("ownsSession with the identity kind", () => {
  const owner = { safeUsername: "carol", userId: "carol", kind: "registered" };
  it("a registered user and an anonymous id never match, whatever the strings", () => {
    expect(ownsSession(owner, { kind: "anonymous", id: "carol", safeUsername: "carol" })).toBe(
      false,
    );
    expect(ownsSession(owner, { kind: "registered", id: "carol", safeUsername: "carol" })).toBe(
      true,
    );
  });
  it("a session without a recorded kind falls back to username and id", () => {
    const legacy = { safeUsername: "carol", userId: "carol" };
    expect(ownsSession(legacy, { kind: "registered", id: "carol", safeUsername: "carol" })).toBe(
      true,
    );
    expect(ownsSession(legacy, { kind: "registered", id: "x", safeUsername: "carol" })).toBe(false);
  });
});

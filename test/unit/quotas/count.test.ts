import { describe, expect, it } from "vitest";
import { checkQuota, type QuotaLimits, type SessionUsage } from "../../../lib/quotas/count.js";

const LIMITS: QuotaLimits = { perRegisteredUser: 3, perAnonymousId: 1, anonymousTotal: 2 };
const GB = 1e9;
const session = (
  kind: SessionUsage["kind"],
  ownerId: string,
  state: SessionUsage["state"] = "running",
  cpu = 0.5,
  memory = GB,
): SessionUsage => ({ kind, ownerId, state, cpu, memory });
const alice = { kind: "registered" as const, ownerId: "alice", cpu: 0.5, memory: GB };
const anon = (id: string) => ({ kind: "anonymous" as const, ownerId: id, cpu: 0.5, memory: GB });

describe("checkQuota", () => {
  it("lets a user start sessions up to the limit, then names the limit and the count", () => {
    const two = [session("registered", "alice"), session("registered", "alice", "starting")];
    expect(checkQuota(LIMITS, two, alice)).toBeUndefined();
    const three = [...two, session("registered", "alice")];
    expect(checkQuota(LIMITS, three, alice)).toMatchObject({
      limit: "perRegisteredUser",
      max: 3,
      used: 3,
      message: "You have 3 running or starting sessions; the limit per user is 3.",
    });
  });

  it("counts only running and starting sessions", () => {
    const idle = (["hibernated", "failed", "stopping"] as const).map((s) =>
      session("registered", "alice", s),
    );
    expect(checkQuota({ ...LIMITS, perRegisteredUser: 1 }, idle, alice)).toBeUndefined();
  });

  it("never counts another identity's sessions, whatever the strings: kind is part of the owner", () => {
    const others = [
      session("anonymous", "alice"),
      session("registered", "bob"),
      session("registered", "ALICE"),
    ];
    expect(checkQuota({ ...LIMITS, perRegisteredUser: 1 }, others, alice)).toBeUndefined();
    expect(
      checkQuota({ ...LIMITS, anonymousTotal: 9 }, [session("registered", "x")], anon("x")),
    ).toBeUndefined();
  });

  it("limits each anonymous id, and anonymous sessions in all", () => {
    expect(checkQuota(LIMITS, [session("anonymous", "a1")], anon("a1"))?.limit).toBe(
      "perAnonymousId",
    );
    const two = [session("anonymous", "a1"), session("anonymous", "a2")];
    expect(checkQuota(LIMITS, two, anon("a3"))).toMatchObject({
      limit: "anonymousTotal",
      used: 2,
      message: "There are 2 running or starting anonymous sessions; the limit is 2 in all.",
    });
    // Forty ids each with one session made forty sessions before (issue 14).
    const forty = Array.from({ length: 40 }, (_, i) => session("anonymous", `id${i}`));
    expect(checkQuota(LIMITS, forty, anon("id40"))?.limit).toBe("anonymousTotal");
  });

  it("optionally limits a user's total CPU and memory, counting the new session", () => {
    const limits = { ...LIMITS, cpuPerUser: 2, memoryPerUser: 4 * GB };
    const used = [session("registered", "alice", "running", 1.5, GB)];
    expect(checkQuota(limits, used, alice)).toBeUndefined();
    expect(checkQuota(limits, used, { ...alice, cpu: 1 })).toMatchObject({
      limit: "cpuPerUser",
      used: 1.5,
      adding: 1,
    });
    expect(checkQuota(limits, used, { ...alice, memory: 3.5 * GB })?.limit).toBe("memoryPerUser");
  });

  it("a limit of 0 refuses every session of that kind", () => {
    expect(checkQuota({ ...LIMITS, anonymousTotal: 0 }, [], anon("a"))?.limit).toBe(
      "anonymousTotal",
    );
  });
});

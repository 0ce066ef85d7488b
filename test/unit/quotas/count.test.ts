import { describe, expect, it } from "vitest";
import { violation } from "../../../lib/quotas/count.js";

describe("violation", () => {
  it("is undefined while the addition fits, and names the limit and the count past it", () => {
    expect(violation("perRegisteredUser", 3, 2, 1)).toBeUndefined();
    expect(violation("perRegisteredUser", 3, 3, 1)).toEqual({
      limit: "perRegisteredUser",
      max: 3,
      used: 3,
      adding: 1,
      message: "You have 3 running, starting or failed sessions; the limit per user is 3.",
    });
  });

  it("describes each limit in its own words", () => {
    expect(violation("anonymousTotal", 50, 50, 1)?.message).toBe(
      "There are 50 running, starting or failed anonymous sessions; the limit is 50 in all.",
    );
    expect(violation("perClient", 10, 10, 1)?.message).toBe(
      "Your address holds 10 anonymous sessions; the limit per address is 10.",
    );
    expect(violation("cpuPerUser", 4, 3.5, 1)?.message).toBe(
      "Your sessions request 3.5 CPUs; the limit per user is 4.",
    );
    expect(violation("concurrentSpawns", 64, 64, 1)?.message).toBe(
      "64 sessions are being started at once; the limit is 64. Please try again shortly.",
    );
  });
});

import { describe, expect, it } from "vitest";
import { TokenCache } from "../../../lib/registry/token-cache.js";

describe("TokenCache", () => {
  it("keeps a token for its lifetime less a margin, then forgets it", () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    const key = TokenCache.key("https://r.example", "a/b", undefined);
    cache.set(key, "t1", 60);
    now = 49_000;
    expect(cache.get(key)).toBe("t1");
    now = 50_000;
    expect(cache.get(key)).toBeUndefined();
  });

  it("keys by credentials without holding them", () => {
    const a = TokenCache.key("https://r.example", "a/b", "Basic b2F1dGgyOnNlY3JldA==");
    const b = TokenCache.key("https://r.example", "a/b", "Basic b2F1dGgyOm90aGVy");
    expect(a).not.toBe(b);
    expect(a).not.toContain("b2F1dGgyOnNlY3JldA==");
    expect(TokenCache.key("https://r.example", "a/b", undefined)).not.toBe(a);
  });

  it("stays bounded, dropping the oldest entry", () => {
    const cache = new TokenCache(() => 0);
    for (let i = 0; i < 1001; i++) cache.set(`k${i}`, `t${i}`, 60);
    expect(cache.get("k0")).toBeUndefined();
    expect(cache.get("k1")).toBe("t1");
    expect(cache.get("k1000")).toBe("t1000");
  });
});

import { describe, expect, it } from "vitest";
import { parseChallenge } from "../../../lib/registry/challenge.js";
import { TokenCache } from "../../../lib/registry/token-cache.js";

describe("parseChallenge", () => {
  it("reads a Bearer challenge with quoted parameters", () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
    ).toEqual({
      scheme: "bearer",
      params: {
        realm: "https://auth.docker.io/token",
        service: "registry.docker.io",
        scope: "repository:library/nginx:pull",
      },
    });
  });

  it("reads error parameters, unquoted values and spaces after commas", () => {
    expect(
      parseChallenge(
        'Bearer realm="https://gitlab.example/jwt/auth", error=insufficient_scope, scope="a:b:pull,push"',
      )?.params,
    ).toEqual({
      realm: "https://gitlab.example/jwt/auth",
      error: "insufficient_scope",
      scope: "a:b:pull,push",
    });
  });

  it("reads a Basic challenge and nothing from an empty header", () => {
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: "basic",
      params: { realm: "Registry Realm" },
    });
    expect(parseChallenge(undefined)).toBeUndefined();
    expect(parseChallenge("")).toBeUndefined();
  });
});

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

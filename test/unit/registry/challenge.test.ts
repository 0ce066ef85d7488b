import { describe, expect, it } from "vitest";
import { parseChallenge } from "../../../lib/registry/challenge.js";

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

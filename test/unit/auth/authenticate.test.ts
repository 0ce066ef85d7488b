/** The Renku-Auth-Git-Credentials header as the gateway sends it: the token's expiry. */
import { describe, expect, it } from "vitest";
import { authenticate, expiryOf } from "../../../lib/auth/authenticate.js";
import type { RegisteredUser } from "../../../lib/auth/user.js";
import { registeredHeaders } from "../../helpers/users.js";

const withExpiry = (value: unknown) => {
  const headers = registeredHeaders({ username: "alice" });
  headers["renku-auth-git-credentials"] = Buffer.from(
    JSON.stringify({
      "https://gitlab.example.org": {
        AuthorizationHeader: "bearer glpat-alice-secret",
        AccessTokenExpiresAt: value,
      },
    }),
  ).toString("base64");
  return headers;
};

const expiryFor = async (value: unknown) =>
  ((await authenticate(withExpiry(value), { anonymousEnabled: false })) as RegisteredUser)
    .gitTokenExpiresAt;

describe("AccessTokenExpiresAt", () => {
  it("a number or a string holding one is floored to epoch seconds", async () => {
    expect(await expiryFor(1_767_225_600.9)).toBe(1_767_225_600);
    expect(await expiryFor("1767225600")).toBe(1_767_225_600);
    expect(await expiryFor(" 1767225600.75 ")).toBe(1_767_225_600);
    expect(await expiryFor("1.7e9")).toBe(1_700_000_000);
  });

  it("null, or a string that is no number, means no expiry (-1)", async () => {
    expect(await expiryFor(null)).toBe(-1);
    expect(await expiryFor("soon")).toBe(-1);
    expect(await expiryFor("")).toBe(-1);
    expect(expiryOf("Infinity")).toBe(-1);
    expect(expiryOf(undefined)).toBe(-1);
  });
});

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import {
  assertSafeUsernameLength,
  serverName,
  sessionNames,
} from "../../../lib/sessions/server-name.js";

const sha = "0123456789abcdef0123456789abcdef01234567";
const md5 = (s: string) => createHash("md5").update(s).digest("hex");

describe("serverName (D5, >=1.24 formula)", () => {
  it("joins the first 12 of the username, 20 of the escaped project and 8 of the md5", () => {
    const name = serverName("john-2edoe", "group", "my-project", "master", sha);
    const digest = md5(`john-2edoe-group-my-project-master-${sha}`).slice(0, 8);
    expect(name).toBe(`john-2edoe-my-2dproject-${digest}`);
  });

  it("truncates long usernames and projects and stays within 42 characters", () => {
    const name = serverName(
      "averyveryverylongusername",
      "ns",
      "a-really-long-project-name-here",
      "main",
      sha,
    );
    const [user, ...rest] = name.split("-");
    expect(user).toBe("averyveryver");
    expect(name.length).toBeLessThanOrEqual(42);
    expect(rest.join("-")).toMatch(/^a-2dreally-2dlong-2d-[0-9a-f]{8}$/);
  });

  it("prefixes 'n' when the username does not start with a letter", () => {
    const name = serverName("1user", "ns", "p", "main", sha);
    expect(name.startsWith("n1user-p-")).toBe(true);
    const long = serverName("123456789012345", "ns", "p", "main", sha);
    expect(long.split("-")[0]).toBe("n12345678901");
  });

  it("is deterministic and differs by branch and commit", () => {
    const a = serverName("u", "ns", "p", "main", sha);
    expect(serverName("u", "ns", "p", "main", sha)).toBe(a);
    expect(serverName("u", "ns", "p", "dev", sha)).not.toBe(a);
    expect(serverName("u", "ns", "p", "main", sha.replace("0", "f"))).not.toBe(a);
  });

  it("produces a valid DNS label", () => {
    const name = serverName("anon-2dabc", "Ns", "Proj.With_Odd Chars", "main", sha);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe("assertSafeUsernameLength", () => {
  it("accepts 63 characters", () => {
    expect(() => assertSafeUsernameLength("a".repeat(63))).not.toThrow();
  });

  it("rejects 64 with the reference 422 message and detail", () => {
    try {
      assertSafeUsernameLength("a".repeat(64));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).toJSON()).toEqual({
        error: {
          code: 1000,
          message:
            "A username cannot be longer than 63 characters, your username is 64 characters long.",
          detail: "This can occur if your username has been changed manually or by an admin.",
        },
      });
      expect((err as AppError).status).toBe(422);
    }
  });
});

describe("sessionNames (issue 14, docs/spec.md 3.1)", () => {
  const target = { namespace: "ns", project: "p", branch: "main", commitSha: "0".repeat(40) };
  const registered = (id: string, safeUsername = "alice") =>
    sessionNames({ kind: "registered", id, safeUsername }, target);
  const anonymous = (id: string) =>
    sessionNames({ kind: "anonymous", id, safeUsername: id.toLowerCase() }, target);

  it("keeps the reference's name first for registered users", () => {
    expect(registered("sub-alice").create[0]).toBe(
      serverName("alice", "ns", "p", "main", "0".repeat(40)),
    );
  });

  it("never gives an anonymous id a registered user's name, nor the other way round", () => {
    const anon = anonymous("alice");
    const reg = registered("alice");
    expect(anon.create).not.toContain(reg.create[0]);
    expect(anon.create).not.toContain(reg.create[1]);
    // The name older versions gave the anonymous id is still looked up as its own.
    expect(anon.known).toContain(reg.create[0]);
  });

  it("gives users whose names escape alike different alternates, 42 characters at most", () => {
    const a = registered("sub-alice");
    const b = registered("sub-ALICE");
    expect(a.create[0]).toBe(b.create[0]);
    expect(a.create[1]).not.toBe(b.create[1]);
    expect(a.create[1]).toMatch(/^alice-p-[0-9a-f]{16}$/);
    const long = sessionNames(
      { kind: "registered", id: "x", safeUsername: "a".repeat(40) },
      { ...target, project: "q".repeat(60) },
    );
    for (const n of long.create) expect(n.length).toBeLessThanOrEqual(42);
  });
});

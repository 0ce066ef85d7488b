import { describe, expect, it } from "vitest";
import {
  formatAutosaveName,
  parseAutosaveName,
  parseOwnAutosave,
} from "../../../lib/autosave/index.js";

describe("autosave branch names", () => {
  it("parses the four parts of a well-formed name", () => {
    expect(parseAutosaveName("renku/autosave/jane/master/abc1234/def5678")).toEqual({
      username: "jane",
      branch: "master",
      root: "abc1234",
      head: "def5678",
    });
  });

  it("keeps slashes in the session branch, taking the last two segments as the SHAs", () => {
    expect(parseAutosaveName("renku/autosave/jane/feature/x/1234567/abc1234/def5678")).toEqual({
      username: "jane",
      branch: "feature/x/1234567",
      root: "abc1234",
      head: "def5678",
    });
  });

  it.each([
    "renku/autosave/jane/master/abc1234", // no head
    "renku/autosave/jane/abc1234/def5678", // no branch
    "renku/autosave//master/abc1234/def5678", // empty username
    "renku/autosave/jane/master/abc123/def5678", // 6-char root
    "renku/autosave/jane/master/abc12345/def5678", // 8-char root
    "renku/autosave/jane/master/abc1234/def5678/", // trailing slash
    "renku/autosave/jane/master/abc-234/def5678", // not alphanumeric
    "xrenku/autosave/jane/master/abc1234/def5678", // not anchored at the start
    "refs/heads/renku/autosave/jane/master/abc1234/def5678",
    "renku/autosave/jane/master/abc1234/def5678\n", // trailing newline
    "renku/autosave/ja\nne/master/abc1234/def5678",
    "renku/autosaves/jane/master/abc1234/def5678",
    "master",
    "",
  ])("rejects %j", (name) => {
    expect(parseAutosaveName(name)).toBeUndefined();
  });

  it("formats from full SHAs and parses back to the same parts", () => {
    const name = formatAutosaveName({
      username: "jane.doe",
      branch: "feat/a",
      root: "0123456789abcdef0123456789abcdef01234567",
      head: "fedcba9876543210fedcba9876543210fedcba98",
    });
    expect(name).toBe("renku/autosave/jane.doe/feat/a/0123456/fedcba9");
    expect(parseAutosaveName(name)).toEqual({
      username: "jane.doe",
      branch: "feat/a",
      root: "0123456",
      head: "fedcba9",
    });
  });

  it("refuses parts that would not parse back (slash in username, short SHA)", () => {
    expect(() =>
      formatAutosaveName({ username: "a/b", branch: "m", root: "1234567", head: "1234567" }),
    ).toThrow();
    expect(() =>
      formatAutosaveName({ username: "a", branch: "m", root: "12345", head: "1234567" }),
    ).toThrow();
    expect(() =>
      formatAutosaveName({ username: "a", branch: "", root: "1234567", head: "1234567" }),
    ).toThrow();
  });

  it("recognises only the caller's own autosaves, by exact username", () => {
    const name = "renku/autosave/jane/master/abc1234/def5678";
    expect(parseOwnAutosave(name, "jane")?.branch).toBe("master");
    expect(parseOwnAutosave(name, "Jane")).toBeUndefined();
    expect(parseOwnAutosave(name, "jan")).toBeUndefined();
  });
});

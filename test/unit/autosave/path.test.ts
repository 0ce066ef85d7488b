/** Splitting the greedy path as the reference's `<path:…>` converters did. */
import { describe, expect, it } from "vitest";
import { deletePathParams, listPathParams } from "../../../lib/autosave/path.js";

describe("autosave paths with unencoded slashes", () => {
  it("the list route: everything before the final /autosave is the project", () => {
    expect(listPathParams("group/sub/project/autosave")).toEqual({
      namespace_project: "group/sub/project",
    });
    expect(listPathParams("group%2Fproject/autosave")).toEqual({
      namespace_project: "group%2Fproject",
    });
    expect(listPathParams("autosave")).toBeUndefined();
    expect(listPathParams("group/project/autosave/")).toBeUndefined();
    expect(listPathParams("servers/x")).toBeUndefined();
  });

  it("the delete route: the project ends at the first /autosave/, the name is the rest", () => {
    expect(
      deletePathParams("group/sub/project/autosave/renku/autosave/jane/feat/x/1234567/7654321"),
    ).toEqual({
      namespace_project: "group/sub/project",
      autosave_name: "renku/autosave/jane/feat/x/1234567/7654321",
    });
    expect(deletePathParams("group/project/autosave")).toBeUndefined();
    expect(deletePathParams("group/project/autosave/")).toBeUndefined();
    expect(deletePathParams("servers/x")).toBeUndefined();
  });
});

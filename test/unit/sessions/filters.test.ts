import { describe, expect, it } from "vitest";
import type { JupyterServer } from "../../../lib/backends/jupyterserver/types.js";
import { toSessionView } from "../../../lib/backends/pod/view.js";
import { matchesFilters as onView, type ServerFilters } from "../../../lib/sessions/filters.js";
import { storedServer } from "./js-fixture.js";

// The filters decide on the session view; these read stored JupyterServers through it.
const matchesFilters = (server: JupyterServer, f: ServerFilters) =>
  onView(toSessionView(server), f);
const filterServers = (list: JupyterServer[], f: ServerFilters) =>
  list.filter((server) => matchesFilters(server, f));

const js = storedServer(undefined);

describe("GET /servers filters (3.4)", () => {
  it("no filter matches everything", () => {
    expect(matchesFilters(js, {})).toBe(true);
  });

  it("project and namespace compare case-insensitively", () => {
    expect(matchesFilters(js, { project: "My-Project" })).toBe(true);
    expect(matchesFilters(js, { namespace: "GROUP" })).toBe(true);
    expect(matchesFilters(js, { project: "other" })).toBe(false);
  });

  it("branch and commit_sha are exact", () => {
    expect(matchesFilters(js, { branch: "master" })).toBe(true);
    expect(matchesFilters(js, { branch: "Master" })).toBe(false);
    expect(matchesFilters(js, { commit_sha: "0123456789abcdef0123456789abcdef01234567" })).toBe(
      true,
    );
    expect(matchesFilters(js, { commit_sha: "0123456" })).toBe(false);
  });

  it("all given filters must match", () => {
    expect(matchesFilters(js, { project: "my-project", branch: "master" })).toBe(true);
    expect(matchesFilters(js, { project: "my-project", branch: "dev" })).toBe(false);
  });

  it("a server without the annotation does not match", () => {
    const bare = storedServer(undefined);
    delete bare.metadata.annotations["renku.io/branch"];
    expect(matchesFilters(bare, { branch: "master" })).toBe(false);
    expect(filterServers([js, bare], { branch: "master" })).toEqual([js]);
  });
});

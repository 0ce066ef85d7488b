import { describe, expect, it } from "vitest";
import { nextLink, nextPage } from "../../../lib/gitlab/pagination.js";

const ORIGIN = "https://gitlab.example.org";

describe("GitLab pagination", () => {
  it("finds rel=next among several links", () => {
    const header =
      '<https://gitlab.example.org/api/v4/x?page=1>; rel="prev", <https://gitlab.example.org/api/v4/x?page=3>; rel="next", <https://gitlab.example.org/api/v4/x?page=9>; rel="last"';
    expect(nextLink(header)).toBe("https://gitlab.example.org/api/v4/x?page=3");
    expect(nextLink('<https://gitlab.example.org/a>; rel="first"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });

  it("prefers x-next-page and stops when it is empty", () => {
    expect(nextPage(new Headers({ "x-next-page": "4" }), ORIGIN)).toEqual({ page: 4 });
    const last = new Headers({
      "x-next-page": "",
      link: `<${ORIGIN}/api/v4/x?page=2>; rel="next"`,
    });
    expect(nextPage(last, ORIGIN)).toBeUndefined();
  });

  it("falls back to the link header, but only on the API's own origin", () => {
    const same = new Headers({ link: `<${ORIGIN}/api/v4/x?id_after=5>; rel="next"` });
    expect(nextPage(same, ORIGIN)).toEqual({ url: `${ORIGIN}/api/v4/x?id_after=5` });
    const foreign = new Headers({ link: '<https://evil.example.com/steal>; rel="next"' });
    expect(nextPage(foreign, ORIGIN)).toBeUndefined();
    expect(nextPage(new Headers(), ORIGIN)).toBeUndefined();
  });
});

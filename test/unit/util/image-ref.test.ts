import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import { formatImageRef, parseImageRef } from "../../../lib/util/image-ref.js";

const D = `sha256:${"a".repeat(64)}`;

describe("parseImageRef", () => {
  it.each([
    ["nginx", "registry-1.docker.io", "library/nginx", "latest"],
    ["nginx:1.25", "registry-1.docker.io", "library/nginx", "1.25"],
    ["renku/renkulab-py", "registry-1.docker.io", "renku/renkulab-py", "latest"],
    ["renku/renkulab-py:3.10-0.18.0", "registry-1.docker.io", "renku/renkulab-py", "3.10-0.18.0"],
    [`nginx@${D}`, "registry-1.docker.io", "library/nginx", D],
    [`renku/singleuser@${D}`, "registry-1.docker.io", "renku/singleuser", D],
    ["docker.io/nginx", "registry-1.docker.io", "library/nginx", "latest"],
    ["index.docker.io/renku/x:1", "registry-1.docker.io", "renku/x", "1"],
    [
      "registry.gitlab.com/group/project:abcdef1",
      "registry.gitlab.com",
      "group/project",
      "abcdef1",
    ],
    [
      "registry.gitlab.com/group/sub/project/image:v1",
      "registry.gitlab.com",
      "group/sub/project/image",
      "v1",
    ],
    ["us.gcr.io/google-containers/pause:3.1", "us.gcr.io", "google-containers/pause", "3.1"],
    ["quay.io/nginx", "quay.io", "nginx", "latest"],
    ["my.registry.org:5000/team/app", "my.registry.org:5000", "team/app", "latest"],
    ["my.registry.org:5000/team/app:2.0", "my.registry.org:5000", "team/app", "2.0"],
    [`my.registry.org:5000/team/app@${D}`, "my.registry.org:5000", "team/app", D],
    ["127.0.0.1:5000/demo/oci:1.0", "127.0.0.1:5000", "demo/oci", "1.0"],
    ["localhost:5000/x", "localhost:5000", "x", "latest"],
    ["localhost/x:1", "localhost", "x", "1"],
    ["[::1]:5000/x/y", "[::1]:5000", "x/y", "latest"],
    [
      "image/does_not_exist:9999999999999.99999.9999",
      "registry-1.docker.io",
      "image/does_not_exist",
      "9999999999999.99999.9999",
    ],
    ["a/b/c", "registry-1.docker.io", "a/b/c", "latest"],
    ["  nginx:latest  ", "registry-1.docker.io", "library/nginx", "latest"],
  ])("%s", (input, host, repository, tag) => {
    const ref = parseImageRef(input);
    expect({ host: ref.host, repository: ref.repository, tag: ref.tag }).toEqual({
      host,
      repository,
      tag,
    });
  });

  it("keeps host name and port apart and asks for the digest when there is one", () => {
    const ref = parseImageRef(`my.registry.org:5000/team/app:2.0@${D}`);
    expect(ref).toMatchObject({ hostname: "my.registry.org", port: 5000, digest: D, reference: D });
    expect(parseImageRef("[::1]:5000/x").hostname).toBe("::1");
    expect(parseImageRef("nginx").port).toBeUndefined();
  });

  it("formats the canonical reference", () => {
    expect(formatImageRef(parseImageRef("nginx"))).toBe(
      "registry-1.docker.io/library/nginx:latest",
    );
    expect(formatImageRef(parseImageRef(`quay.io/a/b@${D}`))).toBe(`quay.io/a/b@${D}`);
  });

  it.each([
    ":::?-+^",
    "",
    "   ",
    "Nginx",
    "renku/Image:1",
    "nginx:",
    "nginx:bad/tag",
    "nginx@sha256:short",
    "nginx@md5:abcd",
    "host.tld/",
    "host.tld//x",
    "-bad.host/x",
    "host.tld:99999/x",
    "nginx:tag with space",
    "a/../b",
    `x:${"t".repeat(129)}`,
  ])("refuses %j with a 422 code 1002", (input) => {
    let caught: unknown;
    try {
      parseImageRef(input);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).status).toBe(422);
    expect((caught as AppError).code).toBe(1002);
  });
});

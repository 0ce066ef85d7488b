/** The registry client against the real docker-registry processes started by global-setup. */
import { createHash } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import { createRegistryClient, type RegistryClientOptions } from "../../../lib/registry/client.js";
import { parseImageRef } from "../../../lib/util/image-ref.js";
import { REGISTRY_GITLAB_TOKEN, WORKDIRS } from "../../local/registry/fixtures.js";
import type { TokenRequestRecord } from "../../local/registry/token-server.js";

const registries = inject("registries");
const { open, basic, token } = registries;

const clientFor = (hosts: string[], extra: Partial<RegistryClientOptions> = {}) =>
  createRegistryClient({
    allowedHosts: hosts,
    plainHttpHosts: hosts,
    gitlabRegistryHost: "registry.gitlab.example.org",
    timeoutMs: 60_000,
    ...extra,
  });

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

async function tokenRequests(): Promise<TokenRequestRecord[]> {
  return (await fetch(`${token.tokenUrl}/_requests`)).json() as Promise<TokenRequestRecord[]>;
}

describe("open registry", () => {
  const client = clientFor([open.host]);
  const check = (image: string) => client.check(parseImageRef(`${open.host}/${image}`));

  it("finds a docker v2 image and reads its working directory", async () => {
    const result = await check("demo/docker-v2:1.0");
    expect(result).toMatchObject({ exists: true, private: false, workdir: WORKDIRS.docker });
    expect(result.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it("finds an OCI image", async () => {
    expect(await check("demo/oci:1.0")).toMatchObject({ exists: true, workdir: WORKDIRS.oci });
  });

  it("resolves an OCI index to its linux/amd64 image", async () => {
    expect(await check("demo/multi:1.0")).toMatchObject({ exists: true, workdir: WORKDIRS.amd64 });
  });

  it("resolves a docker manifest list to its linux/amd64 image", async () => {
    expect(await check("demo/list:1.0")).toMatchObject({ exists: true, workdir: WORKDIRS.amd64 });
  });

  it("says an index without linux/amd64 does not exist", async () => {
    expect(await check("demo/arm-only:1.0")).toEqual({ exists: false, private: false });
  });

  it("leaves the working directory out when the image sets none", async () => {
    const result = await check("demo/noworkdir:1.0");
    expect(result.exists).toBe(true);
    expect(result.workdir).toBeUndefined();
  });

  it("finds an image by digest, the same one its tag names", async () => {
    const byTag = await check("demo/multi:1.0");
    const byDigest = await check(`demo/multi@${byTag.digest}`);
    expect(byDigest).toMatchObject({ exists: true, digest: byTag.digest, workdir: WORKDIRS.amd64 });
  });

  it("skips the config blob when asked only for existence", async () => {
    const result = await client.check(
      parseImageRef(`${open.host}/demo/oci:1.0`),
      {},
      { workdir: false },
    );
    expect(result.exists).toBe(true);
    expect(result.workdir).toBeUndefined();
  });

  it("says missing tags and repositories do not exist", async () => {
    expect(await check("demo/oci:9.9")).toEqual({ exists: false, private: false });
    expect(await check("nobody/nothing:1.0")).toEqual({ exists: false, private: false });
  });
});

describe("Basic auth registry", () => {
  it("answers not found without credentials", async () => {
    const client = clientFor([basic.host]);
    expect(await client.check(parseImageRef(`${basic.host}/demo/oci:1.0`))).toEqual({
      exists: false,
      private: false,
    });
  });

  it("uses configured credentials for its host", async () => {
    const client = clientFor([basic.host], {
      credentials: { [basic.host]: { username: basic.username, password: basic.password } },
    });
    expect(await client.check(parseImageRef(`${basic.host}/demo/docker-v2:1.0`))).toMatchObject({
      exists: true,
      private: false,
      workdir: WORKDIRS.docker,
    });
  });

  it("as the GitLab registry, accepts the user's token as oauth2:<token> and calls the image private", async () => {
    const client = clientFor([basic.host], { gitlabRegistryHost: basic.host });
    const ref = parseImageRef(`${basic.host}/demo/multi:1.0`);
    expect(await client.check(ref, { gitlabToken: REGISTRY_GITLAB_TOKEN })).toMatchObject({
      exists: true,
      private: true,
      workdir: WORKDIRS.amd64,
    });
    expect(await client.check(ref, { gitlabToken: "glpat-wrong" })).toEqual({
      exists: false,
      private: false,
    });
  });
});

describe("bearer-token registry", () => {
  it("runs the 401 challenge token flow anonymously for a public image", async () => {
    const client = clientFor([token.host, new URL(token.tokenUrl).host]);
    const before = (await tokenRequests()).length;
    const result = await client.check(parseImageRef(`${token.host}/demo/oci:1.0`));
    expect(result).toMatchObject({ exists: true, private: false, workdir: WORKDIRS.oci });
    const mine = (await tokenRequests())
      .slice(before)
      .filter((r) => r.scopes.includes("repository:demo/oci:pull"));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r) => r.username === null && r.service === token.service)).toBe(true);
  });

  it("finds the index's amd64 image through the token flow", async () => {
    const client = clientFor([token.host, new URL(token.tokenUrl).host]);
    expect(await client.check(parseImageRef(`${token.host}/demo/list:1.0`))).toMatchObject({
      exists: true,
      workdir: WORKDIRS.amd64,
    });
  });

  it("does not find a private image anonymously, nor send a token to a host that is not the GitLab registry", async () => {
    const client = clientFor([token.host, new URL(token.tokenUrl).host]);
    const unique = "glpat-not-for-this-registry";
    const result = await client.check(parseImageRef(`${token.host}/private/secret:1.0`), {
      gitlabToken: unique,
    });
    expect(result).toEqual({ exists: false, private: false });
    expect((await tokenRequests()).some((r) => r.passwordSha256 === sha(unique))).toBe(false);
  });

  it("as the GitLab registry, gets the private image with the user's token and calls it private", async () => {
    const client = clientFor([token.host, new URL(token.tokenUrl).host], {
      gitlabRegistryHost: token.host,
    });
    const result = await client.check(parseImageRef(`${token.host}/private/secret:1.0`), {
      gitlabToken: REGISTRY_GITLAB_TOKEN,
    });
    expect(result).toMatchObject({ exists: true, private: true, workdir: WORKDIRS.private });
    const withToken = (await tokenRequests()).filter(
      (r) =>
        r.passwordSha256 === sha(REGISTRY_GITLAB_TOKEN) &&
        r.scopes.includes("repository:private/secret:pull"),
    );
    expect(withToken.length).toBeGreaterThan(0);
    expect(withToken.every((r) => r.username === "oauth2" && r.authenticated)).toBe(true);
  });

  it("a public image on the GitLab registry is found anonymously and is not private", async () => {
    const client = clientFor([token.host, new URL(token.tokenUrl).host], {
      gitlabRegistryHost: token.host,
    });
    const result = await client.check(parseImageRef(`${token.host}/demo/docker-v2:1.0`), {
      gitlabToken: REGISTRY_GITLAB_TOKEN,
    });
    expect(result).toMatchObject({ exists: true, private: false });
  });

  it("refuses the token realm when its host is not allow-listed", async () => {
    // The registry itself is allow-listed, its token server (another port on 127.0.0.1) is not.
    const client = clientFor([token.host], {
      plainHttpHosts: [token.host, new URL(token.tokenUrl).host],
    });
    const error = await client
      .check(parseImageRef(`${token.host}/demo/oci:1.0`))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(422);
  });
});

describe("token reuse", () => {
  it("asks the token server once for repeated checks of the same repository", async () => {
    const client = clientFor([token.host, new URL(token.tokenUrl).host]);
    // demo/noworkdir on this registry is used by no other test file.
    const scope = "repository:demo/noworkdir:pull";
    const count = async () =>
      (await tokenRequests()).filter((r) => r.scopes.includes(scope)).length;
    const before = await count();
    const ref = parseImageRef(`${token.host}/demo/noworkdir:1.0`);
    expect((await client.check(ref)).exists).toBe(true);
    expect((await client.check(ref)).exists).toBe(true);
    expect((await count()) - before).toBe(1);
  });
});

describe("digest references", () => {
  it("says a digest the registry does not hold does not exist", async () => {
    const client = clientFor([open.host]);
    const ref = parseImageRef(`${open.host}/demo/oci@sha256:${"0".repeat(64)}`);
    expect(await client.check(ref)).toEqual({ exists: false, private: false });
  });
});

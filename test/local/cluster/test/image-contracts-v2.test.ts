/** The v2-era images' start-up contracts (docs/images-v2.md) as the local Amalthea applies them. */
import { describe, expect, it } from "vitest";
import type { V2Registered } from "../../../../lib/auth/v2-caller.js";
import { gitCloneInit, gitProxy } from "../../../../lib/backends/amaltheasession/v2-manifest.js";
import { loadConfig } from "../../../../lib/config/load.js";
import { startupFailure } from "../amalthea/image-contracts.js";
import { isV2EraImage } from "../amalthea/image-contracts-v2.js";

const config = loadConfig({
  NB_STAGE: "local",
  NB_SESSIONS__INGRESS__HOST: "sessions.example.org",
  NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET: "s",
});
const caller: V2Registered = {
  kind: "registered",
  id: "sub-alice",
  email: "alice@example.org",
  firstName: "Alice",
  lastName: "Example",
  fullName: undefined,
  issuer: undefined,
  accessToken: "a",
  refreshToken: "r",
};
const project = {
  id: "01JDV2PRJ00000000000000001",
  name: "p",
  namespace: "n",
  slug: "p",
  repositories: ["https://gitlab.example.org/n/p.git"],
};
const env = (c: { env?: { name: string; value?: string }[] }, drop: string) => ({
  ...c,
  env: (c.env ?? []).filter((e) => e.name !== drop),
});

describe("v2-era image contracts", () => {
  it("applies to git-clone and git-https-proxy from 1.24.0 only", () => {
    expect(isV2EraImage("renku/git-clone:1.25.3")).toBe(true);
    expect(isV2EraImage("docker.io/renku/git-https-proxy:1.24.0")).toBe(true);
    expect(isV2EraImage("renku/git-clone:1.18.1")).toBe(false);
    expect(isV2EraImage("renku/git-clone:latest")).toBe(false);
    expect(isV2EraImage("renku/singleuser:1.25.3")).toBe(false);
  });

  it("starts the clone and proxy containers the service builds", () => {
    const clone = gitCloneInit(config, caller, project, "/w", "/w", 1000, 100);
    const proxy = gitProxy(config, caller, project);
    expect(startupFailure(clone as never)).toBeUndefined();
    expect(startupFailure(proxy as never)).toBeUndefined();
  });

  it("fails the clone as dataconf would: a missing mount path, a bad flag, a bad repository", () => {
    const clone = gitCloneInit(config, caller, project, "/w", "/w", 1000, 100) as never;
    expect(startupFailure(env(clone, "GIT_CLONE_MOUNT_PATH") as never)?.lines.at(-1)).toBe(
      "dataconf.exceptions.MalformedConfigException: no mount_path found in dataclass",
    );
    const badFlag = {
      ...(clone as object),
      env: [
        ...(clone as { env: object[] }).env,
        { name: "GIT_CLONE_IS_GIT_PROXY_ENABLED", value: "yes" },
      ],
    };
    expect(startupFailure(badFlag as never)?.lines.at(-1)).toBe(
      "ValueError: is_git_proxy_enabled can only be a string with values '0' or '1'",
    );
    const badRepo = {
      ...(clone as object),
      env: [
        ...(clone as { env: object[] }).env,
        { name: "GIT_CLONE_REPOSITORIES_1_", value: '{"uri": "x"}' },
      ],
    };
    expect(startupFailure(badRepo as never)?.exitCode).toBe(1);
    // 1.18.1's variables are unknown keys to the v2 loader.
    const v1Vars = {
      ...(clone as object),
      env: [...(clone as { env: object[] }).env, { name: "GIT_CLONE_REPOSITORY_URL", value: "x" }],
    };
    expect(startupFailure(v1Vars as never)?.lines.at(-1)).toContain(
      'unexpected key(s) "repository_url"',
    );
  });

  it("fails the proxy as its Validate does, naming the missing setting", () => {
    const proxy = gitProxy(config, caller, project) as never;
    const now = new Date("2026-01-01T00:00:00Z");
    expect(
      startupFailure(env(proxy, "GIT_PROXY_RENKU_CLIENT_SECRET") as never, now)?.lines,
    ).toEqual(["2026/01/01 00:00:00 the renku client secret is not defined"]);
    expect(startupFailure(env(proxy, "GIT_PROXY_RENKU_REALM") as never, now)?.lines[0]).toContain(
      "the renku realm is not defined",
    );
    const anonymous = { name: "git-proxy", image: "renku/git-https-proxy:1.25.3", env: [] };
    expect(startupFailure(anonymous)).toBeUndefined();
  });
});

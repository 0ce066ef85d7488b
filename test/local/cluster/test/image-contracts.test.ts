/**
 * Every container of every manifest the service builds loads its configuration in the image it
 * runs (images.md), for both user kinds and each option that changes the environment; and the
 * contract checks themselves follow the loaders' rules.
 */
import { describe, expect, it } from "vitest";
import { buildManifest } from "../../../../lib/backends/jupyterserver/manifest.js";
import type { JupyterServer } from "../../../../lib/backends/jupyterserver/types.js";
import {
  anonymous,
  manifestInput,
  project,
  registered,
  resources,
  testConfig,
} from "../../../unit/sessions/fixtures.js";
import {
  type ContainerSpec,
  imageRepository,
  renkuImageOf,
  startupFailure,
} from "../amalthea/image-contracts.js";
import { type JupyterServerSpec, patchChildren, renderChildren } from "../amalthea/render.js";

/** The pod's containers after Amalthea rendered its children and applied the patches. */
function podContainers(js: JupyterServer): ContainerSpec[] {
  const spec = js.spec as unknown as JupyterServerSpec;
  const rendered = patchChildren(renderChildren(js.metadata.name, spec), spec.patches);
  if ("error" in rendered) throw new Error(rendered.error);
  const pod = (
    rendered.children.statefulset as {
      spec: {
        template: { spec: { initContainers?: ContainerSpec[]; containers: ContainerSpec[] } };
      };
    }
  ).spec.template.spec;
  return [...(pod.initContainers ?? []), ...pod.containers];
}

const sentryOn = {
  NB_SESSIONS__GIT_CLONE__SENTRY__ENABLED: "true",
  NB_SESSIONS__GIT_CLONE__SENTRY__DSN: "https://key@sentry.example.org/1",
  NB_SESSIONS__GIT_CLONE__SENTRY__ENVIRONMENT: "production",
  NB_SESSIONS__GIT_CLONE__SENTRY__SAMPLE_RATE: "0.25",
  NB_SESSIONS__GIT_RPC_SERVER__SENTRY__ENABLED: "true",
  NB_SESSIONS__GIT_RPC_SERVER__SENTRY__DSN: "https://key@sentry.example.org/2",
  NB_SESSIONS__GIT_RPC_SERVER__SENTRY__ENVIRONMENT: "production",
  NB_SESSIONS__GIT_RPC_SERVER__SENTRY__SAMPLE_RATE: "1",
};
const caCerts = {
  NB_SESSIONS__CA_CERTS__SECRETS: JSON.stringify([{ secret: "custom-ca" }]),
};

const variants = {
  plain: manifestInput(),
  "LFS auto-fetch": manifestInput({ resources: { ...resources, lfsAutoFetch: true } }),
  "no autosave (Reporter)": manifestInput({ project: { ...project, accessLevel: 20 } }),
  "CA certificates": manifestInput({ config: testConfig(caCerts) }),
  "sentry on": manifestInput({ config: testConfig(sentryOn) }),
};

describe("every manifest satisfies the images' contracts", () => {
  for (const [userKind, user] of [
    ["registered", registered],
    ["anonymous", anonymous],
  ] as const) {
    for (const [variant, input] of Object.entries(variants)) {
      it(`${userKind}, ${variant}`, () => {
        const js = buildManifest({ ...input, user });
        const containers = podContainers(js);
        const renku = containers.filter((c) => renkuImageOf(c.image));
        const expected =
          userKind === "registered"
            ? ["git-clone", "git-proxy", "git-sidecar"]
            : ["git-clone", "git-proxy"];
        expect(renku.map((c) => c.name).sort()).toEqual(expect.arrayContaining(expected));
        for (const c of containers) expect(startupFailure(c), c.name).toBeUndefined();
      });
    }
  }

  it("pins the supported image set, never :latest", () => {
    const js = buildManifest(manifestInput());
    const images = Object.fromEntries(podContainers(js).map((c) => [c.name, c.image]));
    expect(images["git-clone"]).toBe("renku/git-clone:1.18.1");
    expect(images["git-sidecar"]).toBe("renku/git-rpc-server:1.18.1");
    expect(images["git-proxy"]).toBe("renku/git-https-proxy:1.18.1");
  });

  it("the sidecar's preStop is the image's own autosave command, with what it reads", () => {
    const js = buildManifest(manifestInput());
    const sidecar = podContainers(js).find((c) => c.name === "git-sidecar") as ContainerSpec & {
      lifecycle: { preStop: { exec: { command: string[] } } };
    };
    expect(sidecar.lifecycle.preStop.exec.command).toEqual([
      ".venv/bin/python",
      "-m",
      "git_services.sidecar.run_command",
      "autosave",
    ]);
    const env = Object.fromEntries((sidecar.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      CI_COMMIT_SHA: manifestInput().request.commitSha,
      RENKU_USERNAME: "john.doe",
      AUTOSAVE_MINIMUM_LFS_FILE_SIZE_BYTES: "1000000",
    });
    const custom = buildManifest(
      manifestInput({
        config: testConfig({ NB_SESSIONS__AUTOSAVE_MINIMUM_LFS_FILE_SIZE_BYTES: "5000" }),
      }),
    );
    const env2 = podContainers(custom).find((c) => c.name === "git-sidecar")?.env ?? [];
    expect(env2).toContainEqual({ name: "AUTOSAVE_MINIMUM_LFS_FILE_SIZE_BYTES", value: "5000" });
  });

  it("the git proxy of an anonymous session gets every variable, empty where it has none", () => {
    const js = buildManifest(manifestInput({ user: anonymous }));
    const proxy = podContainers(js).find((c) => c.name === "git-proxy");
    const env = Object.fromEntries((proxy?.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      RENKU_ACCESS_TOKEN: "",
      RENKU_REFRESH_TOKEN: "",
      GITLAB_OAUTH_TOKEN: "",
      GITLAB_OAUTH_TOKEN_EXPIRES_AT: "0",
      ANONYMOUS_SESSION: "true",
    });
    const reg = podContainers(buildManifest(manifestInput())).find((c) => c.name === "git-proxy");
    expect(reg?.env).toContainEqual({ name: "ANONYMOUS_SESSION", value: "false" });
  });
});

describe("the loaders' rules", () => {
  const clone = (env: Record<string, string>): ContainerSpec => ({
    name: "git-clone",
    image: "registry.example.org/renku/git-clone:1.18.1",
    env: Object.entries(env).map(([name, value]) => ({ name, value })),
  });
  const good = {
    GIT_CLONE_REPOSITORY_URL: "https://gitlab.example.org/a/b.git",
    GIT_CLONE_COMMIT_SHA: "abc",
    GIT_CLONE_BRANCH: "master",
    GIT_CLONE_GIT_URL: "https://gitlab.example.org",
    GIT_CLONE_USER__USERNAME: "john",
    GIT_CLONE_SENTRY__ENABLED: "false",
  };
  const failure = (env: Record<string, string>) =>
    startupFailure(clone(env))?.lines.join("\n") ?? "loads";

  it("identifies the images by repository, whatever the registry and tag", () => {
    expect(imageRepository("docker.io/renku/git-clone:1.18.1")).toBe("renku/git-clone");
    expect(imageRepository("localhost:5000/renku/git-rpc-server@sha256:00")).toBe(
      "renku/git-rpc-server",
    );
    expect(renkuImageOf("renku/git-https-proxy:dev")).toBe("git-https-proxy");
    expect(renkuImageOf("renku/singleuser:latest")).toBeUndefined();
  });

  it("one variable of a group with defaults is enough; none fails", () => {
    expect(failure(good)).toBe("loads");
    const { GIT_CLONE_SENTRY__ENABLED: _, ...noSentry } = good;
    expect(failure(noSentry)).toContain("no sentry found in dataclass");
    expect(startupFailure(clone(noSentry))?.exitCode).toBe(1);
  });

  it("a required field is required, empty counts as a value", () => {
    const { GIT_CLONE_BRANCH: _, ...noBranch } = good;
    expect(failure(noBranch)).toContain("no branch found in dataclass");
    expect(failure({ ...good, GIT_CLONE_BRANCH: "" })).toBe("loads");
  });

  it("unknown keys under the prefix fail; names outside it are ignored", () => {
    expect(failure({ ...good, GIT_CLONE_USER__RENKU_TOKEN: "t" })).toContain(
      'unexpected key(s) "user.renku_token"',
    );
    expect(failure({ ...good, SSL_CERT_FILE: "/x", GIT_AUTOSAVE: "1" })).toBe("loads");
  });

  it('flags are exactly "0" or "1"', () => {
    expect(failure({ ...good, GIT_CLONE_LFS_AUTO_FETCH: "1" })).toBe("loads");
    expect(failure({ ...good, GIT_CLONE_LFS_AUTO_FETCH: "true" })).toContain(
      "lfs_auto_fetch can only be a string with values '0' or '1'",
    );
  });

  it("the sidecar's ports are integers and its sentry group is required", () => {
    const sidecar = (env: Record<string, string>): ContainerSpec => ({
      name: "git-sidecar",
      image: "renku/git-rpc-server:1.18.1",
      env: Object.entries(env).map(([name, value]) => ({ name, value })),
    });
    expect(startupFailure(sidecar({ GIT_RPC_PORT: "4000" }))?.lines.join("\n")).toContain(
      "no sentry found in dataclass",
    );
    const ok = { GIT_RPC_SENTRY__DSN: "", GIT_RPC_PORT: "4000" };
    expect(startupFailure(sidecar(ok))).toBeUndefined();
    expect(
      startupFailure(sidecar({ ...ok, GIT_RPC_GIT_PROXY_HEALTH_PORT: "80a" }))?.lines.join("\n"),
    ).toContain("invalid literal for int() with base 10: '80a'");
    expect(
      startupFailure(sidecar({ ...ok, GIT_RPC_SENTRY__SAMPLE_RATE: "often" }))?.lines.join("\n"),
    ).toContain("sentry.sample_rate");
  });

  it("the git proxy needs every required variable and an integer expiry", () => {
    const proxy = (env: Record<string, string>): ContainerSpec => ({
      name: "git-proxy",
      image: "renku/git-https-proxy:1.18.1",
      env: Object.entries(env).map(([name, value]) => ({ name, value })),
    });
    const all = {
      RENKU_ACCESS_TOKEN: "",
      RENKU_REFRESH_TOKEN: "",
      RENKU_CLIENT_ID: "renku",
      RENKU_CLIENT_SECRET: "",
      RENKU_REALM: "Renku",
      GITLAB_OAUTH_TOKEN: "",
      GITLAB_OAUTH_TOKEN_EXPIRES_AT: "0",
      REPOSITORY_URL: "https://gitlab.example.org/a/b.git",
      RENKU_URL: "https://renku.example.org",
    };
    expect(startupFailure(proxy(all))).toBeUndefined();
    const { RENKU_REALM: _, ...noRealm } = all;
    expect(startupFailure(proxy(noRealm))?.lines[0]).toMatch(
      /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Cannot find required 'RENKU_REALM' environment variable$/,
    );
    expect(
      startupFailure(proxy({ ...all, GITLAB_OAUTH_TOKEN_EXPIRES_AT: "" }))?.lines[0],
    ).toContain("Cannot convert 'GITLAB_OAUTH_TOKEN_EXPIRES_AT' environment variable  to integer");
  });
});

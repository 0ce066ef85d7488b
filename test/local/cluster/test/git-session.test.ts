/** The simulated git side of a session: state, JSON-RPC answers, the preStop autosave, restores. */
import { describe, expect, it } from "vitest";
import { parseGitStatus } from "../../../../lib/backends/pod/hibernation.js";
import {
  cloneRestore,
  GIT_STATE_ANNOTATION,
  type GitRemote,
  gitStateOf,
  runSidecarPreStop,
  sidecarAnswer,
} from "../amalthea/git-session.js";
import type { ContainerSpec } from "../amalthea/image-contracts.js";

const SHA = "f1ea33570b1b86af316b85539c1b5d5c07949a82";
const AUTOSAVE = [".venv/bin/python", "-m", "git_services.sidecar.run_command", "autosave"];
const spec = (name: string, image: string, env: Record<string, string>): ContainerSpec => ({
  name,
  image,
  env: Object.entries(env).map(([n, value]) => ({ name: n, value })),
});
const clone = spec("git-clone", "renku/git-clone:1.18.1", {
  GIT_CLONE_BRANCH: "master",
  GIT_CLONE_COMMIT_SHA: SHA,
  GIT_CLONE_USER__USERNAME: "bob",
  GIT_CLONE_USER__OAUTH_TOKEN: "glpat-bob",
  GIT_CLONE_GIT_AUTOSAVE: "1",
  GIT_CLONE_REPOSITORY_URL: "https://gitlab.example.org/a/b.git",
});
const sidecarEnv = {
  GIT_RPC_SENTRY__ENABLED: "false",
  GIT_RPC_URL_PREFIX: "/sessions/s/sidecar/",
  CI_COMMIT_SHA: SHA,
  RENKU_USERNAME: "bob",
};
const sidecar = spec("git-sidecar", "renku/git-rpc-server:1.18.1", sidecarEnv);
const proxy = spec("git-proxy", "renku/git-https-proxy:1.18.1", {
  REPOSITORY_URL: "https://gitlab.example.org/a/b.git",
  GITLAB_OAUTH_TOKEN: "glpat-bob",
});

function fakeRemote(branches: string[] = []) {
  const pushed: string[] = [];
  const remote: GitRemote = {
    branches: (_u, _t, prefix) => branches.filter((b) => b.startsWith(prefix)),
    push: (_u, token, branch) => {
      if (token !== "glpat-bob") return "remote: You are not allowed to push code to this project.";
      pushed.push(branch);
      return undefined;
    },
    deleteBranch: (_u, _t, b) => {
      branches.splice(branches.indexOf(b), 1);
    },
  };
  return { remote, pushed, branches };
}

describe("git state", () => {
  it("defaults to a clean checkout of what git-clone cloned; the annotation overrides", () => {
    expect(gitStateOf({}, clone, false)).toEqual({
      clean: true,
      ahead: 0,
      behind: 0,
      branch: "master",
      commit: SHA,
    });
    expect(gitStateOf({}, clone, true).clean).toBe(false);
    const a = { [GIT_STATE_ANNOTATION]: '{"clean": false, "ahead": 2, "branch": "dev"}' };
    expect(gitStateOf(a, clone, false)).toMatchObject({ clean: false, ahead: 2, branch: "dev" });
  });

  it("answers git/get_status as the sidecar does, which hibernation parses", () => {
    const state = gitStateOf({}, clone, false);
    const out = sidecarAnswer(
      sidecar,
      "POST",
      "/sessions/s/sidecar/jsonrpc",
      {
        jsonrpc: "2.0",
        id: 0,
        method: "git/get_status",
      },
      state,
    );
    expect(out.code).toBe(200);
    expect(parseGitStatus(out.body)).toEqual({
      clean: true,
      ahead: 0,
      behind: 0,
      branch: "master",
      commit: SHA,
    });
    expect(sidecarAnswer(sidecar, "GET", "/sessions/s/sidecar/health", undefined, state)).toEqual({
      code: 200,
      body: { status: "running" },
    });
    expect(parseGitStatus({ error: { code: -32601 } })).toBeUndefined();
  });
});

describe("the sidecar's preStop", () => {
  const dirty = { ...gitStateOf({}, clone, false), clean: false };

  it("runs the image's autosave: a dirty session is pushed, then /shutdown", () => {
    const { remote, pushed } = fakeRemote();
    const r = runSidecarPreStop(sidecar, AUTOSAVE, dirty, proxy, remote);
    expect(r).toMatchObject({ exitCode: 0, shutdown: true });
    expect(pushed).toEqual([`renku/autosave/bob/master/${SHA.slice(0, 7)}/${SHA.slice(0, 7)}`]);
  });

  it("a clean session saves nothing and still signals the proxy", () => {
    const { remote, pushed } = fakeRemote();
    const r = runSidecarPreStop(sidecar, AUTOSAVE, { ...dirty, clean: true }, proxy, remote);
    expect(r).toMatchObject({ exitCode: 0, shutdown: true });
    expect(pushed).toEqual([]);
  });

  it("poetry is not in the image: the hook fails before anything runs", () => {
    const r = runSidecarPreStop(
      sidecar,
      ["poetry", "run", "python", ...AUTOSAVE.slice(1)],
      dirty,
      proxy,
      undefined,
    );
    expect(r).toMatchObject({ exitCode: 126, shutdown: false });
    expect(r.output).toContain('exec: "poetry": executable file not found in $PATH');
  });

  it("a sidecar configuration that does not load fails the hook without /shutdown", () => {
    const { GIT_RPC_SENTRY__ENABLED: _, ...noSentry } = sidecarEnv;
    const r = runSidecarPreStop(
      spec("git-sidecar", "renku/git-rpc-server:1.18.1", noSentry),
      AUTOSAVE,
      dirty,
      proxy,
      fakeRemote().remote,
    );
    expect(r).toMatchObject({ exitCode: 1, shutdown: false });
    expect(r.output).toContain("no sentry found in dataclass");
  });

  it("missing CI_COMMIT_SHA or RENKU_USERNAME fails the autosave", () => {
    for (const missing of ["CI_COMMIT_SHA", "RENKU_USERNAME"]) {
      const env = Object.fromEntries(Object.entries(sidecarEnv).filter(([k]) => k !== missing));
      const { remote, pushed } = fakeRemote();
      const r = runSidecarPreStop(
        spec("git-sidecar", "renku/git-rpc-server:1.18.1", env),
        AUTOSAVE,
        dirty,
        proxy,
        remote,
      );
      expect(r).toMatchObject({ exitCode: 1, shutdown: true });
      expect(r.output).toContain(`KeyError: '${missing}'`);
      expect(pushed).toEqual([]);
    }
  });
});

describe("git-clone's restore", () => {
  it("restores and deletes an autosave of this user, branch and commit", () => {
    const name = `renku/autosave/bob/master/${SHA.slice(0, 7)}/abcdef1`;
    const { remote, branches } = fakeRemote([name, "renku/autosave/alice/master/f1ea335/1234567"]);
    const r = cloneRestore(clone, remote);
    expect(r.restored).toBe(true);
    expect(r.lines).toContain(`INFO:root:Autosave found origin/${name}`);
    expect(branches).toEqual(["renku/autosave/alice/master/f1ea335/1234567"]);
  });

  it("does not look for autosaves when autosave is not allowed", () => {
    const noAutosave = spec("git-clone", clone.image, {
      ...Object.fromEntries((clone.env ?? []).map((e) => [e.name, e.value ?? ""])),
      GIT_CLONE_GIT_AUTOSAVE: "0",
    });
    const { remote } = fakeRemote([`renku/autosave/bob/master/${SHA.slice(0, 7)}/abcdef1`]);
    expect(cloneRestore(noAutosave, remote).restored).toBe(false);
  });
});

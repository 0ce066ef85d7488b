/** The launch's existence checks run concurrently and report every missing item together. */
import { describe, expect, it } from "vitest";
import type { RegisteredUser } from "../../../../lib/auth/user.js";
import { loadConfig } from "../../../../lib/config/load.js";
import { AppError } from "../../../../lib/errors.js";
import type { GitLab, GitLabProject } from "../../../../lib/gitlab/types.js";
import { createLogger } from "../../../../lib/obs/log.js";
import type { RegistryClient } from "../../../../lib/registry/client.js";
import { checkLaunchResources } from "../../../../lib/use-cases/launch/checks.js";

const config = loadConfig({
  NB_STAGE: "local",
  NB_SESSIONS__INGRESS__HOST: "sessions.example.org",
  NB_GIT__REGISTRY: "registry.example.org",
});
const log = createLogger("silent");
const user: RegisteredUser = {
  kind: "registered",
  id: "sub-alice",
  username: "alice",
  safeUsername: "alice",
  email: "alice@example.org",
  fullName: "Alice",
  issuer: undefined,
  accessToken: "access",
  refreshToken: undefined,
  gitUrl: "https://gitlab.example.org",
  gitToken: "glpat-alice",
  gitTokenExpiresAt: -1,
};
const project: GitLabProject = {
  id: 7,
  path_with_namespace: "group/Proj",
  http_url_to_repo: "https://gitlab.example.org/group/proj.git",
  web_url: "https://gitlab.example.org/group/proj",
  default_branch: "master",
  visibility: "public",
  accessLevel: 40,
};

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A fake whose answers the test releases one by one, recording the order of calls. */
function fakes() {
  const events: string[] = [];
  const gates = {
    project: deferred<GitLabProject | undefined>(),
    branch: deferred<unknown>(),
    commit: deferred<unknown>(),
    image: deferred<{ exists: boolean; private: boolean; workdir?: string }>(),
  };
  const seen = <T>(event: string, answer: Promise<T>): Promise<T> => {
    events.push(event);
    return answer;
  };
  const gitlab = {
    getProject: (p: string) => seen(`project ${p}`, gates.project.promise),
    getBranch: (p: number | string, b: string) => seen(`branch ${p} ${b}`, gates.branch.promise),
    getCommit: (p: number | string, c: string) => seen(`commit ${p} ${c}`, gates.commit.promise),
    currentUser: () => seen("user", Promise.resolve({ id: 1, username: "alice", name: "Alice" })),
  } as unknown as GitLab;
  const registry: RegistryClient = {
    check: (ref) => seen(`image ${ref.repository}:${ref.tag}`, gates.image.promise),
  };
  const deps = { config, gitlab: () => gitlab, registry } as never;
  return { events, gates, deps };
}

const tick = () => new Promise((r) => setImmediate(r));
const request = {
  namespace: "group",
  project: "proj",
  branch: "main",
  commitSha: "abcdef0123456789",
  requestedImage: null,
};

describe("checkLaunchResources", () => {
  it("asks for the project, its branch and commit, the commit image and the caller at once", async () => {
    const { events, gates, deps } = fakes();
    const done = checkLaunchResources(deps, user, request, log);
    await tick();
    // All are in flight although none has answered: one round of calls.
    expect(events.sort()).toEqual([
      "branch group/proj main",
      "commit group/proj abcdef0123456789",
      "image group/proj:abcdef0",
      "project group/proj",
      "user",
    ]);
    // GitLab's path (group/Proj) names the same image: it is not checked again.
    gates.project.resolve(project);
    gates.branch.resolve({ name: "main" });
    gates.commit.resolve({ id: "abcdef0123456789ff" });
    gates.image.resolve({ exists: true, private: false, workdir: "/home/x" });
    const checked = await done;
    expect(checked.image).toEqual({
      image: "registry.example.org/group/proj:abcdef0",
      private: false,
      workdir: "/home/x",
      usedDefault: false,
    });
    expect(events.filter((e) => e.startsWith("image"))).toHaveLength(1);
  });

  it("checks again when GitLab's path for the project names another image (a rename)", async () => {
    const { events, gates, deps } = fakes();
    const done = checkLaunchResources(deps, user, request, log);
    gates.project.resolve({ ...project, path_with_namespace: "newgroup/proj" });
    gates.branch.resolve({ name: "main" });
    gates.commit.resolve({ id: "abcdef0123456789ff" });
    gates.image.resolve({ exists: true, private: false });
    const checked = await done;
    expect(checked.image.image).toBe("registry.example.org/newgroup/proj:abcdef0");
    expect(events.filter((e) => e.startsWith("image"))).toEqual([
      "image group/proj:abcdef0",
      "image newgroup/proj:abcdef0",
    ]);
  });

  it("a missing project is the 404, whatever the early image check met", async () => {
    const { gates, deps } = fakes();
    const registry: RegistryClient = {
      check: () => Promise.reject(new Error("registry down")),
    };
    const done = checkLaunchResources(
      { ...(deps as object), registry } as never,
      user,
      request,
      log,
    );
    gates.project.resolve(undefined);
    await expect(done).rejects.toMatchObject({ status: 404 });
  });

  it("a missing project is the only item listed: its branch and commit answers are dropped, failures included", async () => {
    const { gates, deps } = fakes();
    const done = checkLaunchResources(deps, user, request, log);
    gates.branch.resolve(Promise.reject(new Error("GitLab cannot be reached.")));
    gates.commit.resolve(undefined);
    gates.image.resolve({ exists: false, private: false });
    gates.project.resolve(undefined);
    await expect(done).rejects.toMatchObject({
      status: 404,
      message:
        "Cannot start the session because the following Git or Docker resources are missing: project group/proj does not exist",
    });
  });

  it("a branch that cannot be read fails the launch when the project exists", async () => {
    const { gates, deps } = fakes();
    const done = checkLaunchResources(deps, user, request, log);
    gates.branch.resolve(Promise.reject(new Error("GitLab cannot be reached.")));
    gates.commit.resolve({ id: "abcdef0123456789ff" });
    gates.image.resolve({ exists: true, private: false });
    gates.project.resolve(project);
    await expect(done).rejects.toThrow("GitLab cannot be reached.");
  });

  it("checks an explicit image at once, without waiting for the project", async () => {
    const { events, gates, deps } = fakes();
    const done = checkLaunchResources(
      deps,
      user,
      { ...request, requestedImage: "quay.io/a/b:1" },
      log,
    );
    await tick();
    expect(events).toContain("image a/b:1");
    expect(events).toContain("branch group/proj main");
    gates.image.resolve({ exists: false, private: false });
    gates.project.resolve(project);
    gates.branch.resolve(undefined);
    gates.commit.resolve(undefined);
    const err = await done.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(404);
    expect((err as AppError).message).toBe(
      "Cannot start the session because the following Git or Docker resources are missing: branch main does not exist, commit abcdef0123456789 does not exist, image quay.io/a/b:1 does not exist or cannot be accessed",
    );
  });

  it("falls back to the default image when the commit image is missing (D6)", async () => {
    const { gates, deps } = fakes();
    const done = checkLaunchResources(deps, user, request, log);
    gates.project.resolve(project);
    gates.branch.resolve({ name: "main" });
    gates.commit.resolve({ id: "abcdef0123456789ff" });
    gates.image.resolve({ exists: false, private: false });
    const checked = await done;
    expect(checked.image).toEqual({
      image: config.sessions.default_image,
      private: false,
      workdir: "/home/jovyan",
      usedDefault: true,
    });
  });

  it("an unparsable explicit image is a 422 before any call", async () => {
    const { events, deps } = fakes();
    await expect(
      checkLaunchResources(deps, user, { ...request, requestedImage: ":::?-+^" }, log),
    ).rejects.toMatchObject({ status: 422, code: 1002 });
    expect(events).toEqual([]);
  });
});

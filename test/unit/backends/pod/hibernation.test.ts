import jsonpatch, { type Operation } from "fast-json-patch";
import { describe, expect, it } from "vitest";
import {
  assertResourceClassChangeAllowed,
  hibernateMergePatch,
  resourceClassPatch,
  resumeMergePatch,
  statefulSetPriorityPatch,
  statefulSetTokenPatch,
} from "../../../../lib/backends/jupyterserver/changes.js";
import { hibernationAnnotations } from "../../../../lib/backends/pod/hibernation.js";
import {
  dockerConfigJson,
  refreshedDockerConfigJson,
} from "../../../../lib/backends/pod/pull-secret.js";
import { AppError } from "../../../../lib/errors.js";
import { registered, testConfig } from "../../sessions/fixtures.js";
import { storedServer } from "../../sessions/js-fixture.js";

const now = new Date("2026-01-01T12:34:56.789Z");

describe("hibernation annotations", () => {
  it("from the sidecar's git status", () => {
    expect(
      hibernationAnnotations(
        { clean: false, ahead: 0, behind: 0, branch: "main", commit: "abc1234" },
        now,
      ),
    ).toEqual({
      "renku.io/hibernation": JSON.stringify({
        branch: "main",
        commit: "abc1234",
        dirty: true,
        synchronized: true,
        date: "2026-01-01T12:34:56+00:00",
      }),
      "renku.io/hibernationBranch": "main",
      "renku.io/hibernationCommitSha": "abc1234",
      "renku.io/hibernationDirty": "true",
      "renku.io/hibernationSynchronized": "true",
      "renku.io/hibernationDate": "2026-01-01T12:34:56+00:00",
    });
    const ahead = hibernationAnnotations(
      { clean: true, ahead: 2, behind: 0, branch: "b", commit: "c" },
      now,
    );
    expect(ahead["renku.io/hibernationDirty"]).toBe("false");
    expect(ahead["renku.io/hibernationSynchronized"]).toBe("false");
  });

  it("empty git info when the sidecar did not answer", () => {
    const a = hibernationAnnotations(undefined, now);
    expect(a["renku.io/hibernationBranch"]).toBe("");
    expect(a["renku.io/hibernationCommitSha"]).toBe("");
    expect(JSON.parse(a["renku.io/hibernation"] ?? "")).toEqual({
      branch: "",
      commit: "",
      dirty: false,
      synchronized: false,
      date: "2026-01-01T12:34:56+00:00",
    });
  });

  it("merge patches set and clear hibernated", () => {
    expect(hibernateMergePatch(undefined, now)).toMatchObject({
      spec: { jupyterServer: { hibernated: true } },
      metadata: { annotations: { "renku.io/hibernationDate": "2026-01-01T12:34:56+00:00" } },
    });
    expect(resumeMergePatch()).toEqual({ spec: { jupyterServer: { hibernated: false } } });
  });
});

describe("resource class change", () => {
  it("is allowed only when hibernated or failed", () => {
    expect(() =>
      assertResourceClassChangeAllowed(storedServer({ state: "hibernated" })),
    ).not.toThrow();
    expect(() => assertResourceClassChangeAllowed(storedServer({ state: "failed" }))).not.toThrow();
    try {
      assertResourceClassChangeAllowed(storedServer({ state: "running" }));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect([(err as AppError).status, (err as AppError).message]).toEqual([
        422,
        "The resource class can be changed only if the server is hibernated or failing",
      ]);
    }
  });

  it("patches resources, the class annotation and the quota label, and applies to the CR", () => {
    const js = storedServer({ state: "hibernated" });
    const ops = resourceClassPatch(js, testConfig(), {
      cpu: 2,
      memory: 4e9,
      gpu: 1,
      resourceClassId: 7,
      priorityClass: "q-1",
    });
    const out = jsonpatch.applyPatch(
      structuredClone(js),
      ops as Operation[],
      true,
      false,
    ).newDocument;
    expect(out.spec.jupyterServer.resources).toEqual({
      requests: { cpu: 2, memory: 4e9, "nvidia.com/gpu": "1" },
      limits: { memory: 4e9, "nvidia.com/gpu": "1" },
    });
    expect(out.metadata.annotations["renku.io/resourceClassId"]).toBe("7");
    expect(out.metadata.labels["renku.io/quota"]).toBe("q-1");

    const back = resourceClassPatch(out, testConfig(), {
      cpu: 1,
      memory: 1e9,
      gpu: 0,
      resourceClassId: 1,
      priorityClass: null,
    });
    const again = jsonpatch.applyPatch(
      structuredClone(out),
      back as Operation[],
      true,
      false,
    ).newDocument;
    expect(again.metadata.labels).not.toHaveProperty("renku.io/quota");
    // No quota label to remove: no remove op that would fail.
    expect(
      resourceClassPatch(again, testConfig(), {
        cpu: 1,
        memory: 1e9,
        gpu: 0,
        resourceClassId: 1,
        priorityClass: null,
      }).some((o) => o.op === "remove"),
    ).toBe(false);
  });

  it("StatefulSet priority class", () => {
    expect(statefulSetPriorityPatch("q", undefined)).toEqual([
      { op: "add", path: "/spec/template/spec/priorityClassName", value: "q" },
    ]);
    expect(statefulSetPriorityPatch(null, "old")).toEqual([
      { op: "remove", path: "/spec/template/spec/priorityClassName" },
    ]);
    expect(statefulSetPriorityPatch(null, undefined)).toEqual([]);
  });
});

describe("resume credentials", () => {
  const fresh = {
    accessToken: "new-access",
    refreshToken: "new-refresh",
    gitToken: "new-git",
    gitTokenExpiresAt: 2_000_000_000,
  };
  const sts = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: "jupyter-server", env: [{ name: "RENKU_ACCESS_TOKEN", value: "keep" }] },
            { name: "oauth2-proxy", env: [] },
            {
              name: "git-proxy",
              env: [
                { name: "REPOSITORY_URL", value: "https://x" },
                { name: "GITLAB_OAUTH_TOKEN", value: "old-git" },
                { name: "GITLAB_OAUTH_TOKEN_EXPIRES_AT", value: "1" },
                { name: "RENKU_ACCESS_TOKEN", value: "old-access" },
                { name: "RENKU_REFRESH_TOKEN", value: "old-refresh" },
                { name: "GIT_PROXY_RENKU_ACCESS_TOKEN", value: "old-access" },
              ],
            },
          ],
          initContainers: [
            { name: "init-certificates" },
            {
              name: "git-clone",
              env: [
                { name: "GIT_CLONE_USER__RENKU_TOKEN", value: "old-access" },
                { name: "GIT_CLONE_USER__OAUTH_TOKEN", value: "old-git" },
              ],
            },
            { name: "init-user-secrets", env: [{ name: "RENKU_ACCESS_TOKEN" }] },
          ],
        },
      },
    },
  };

  it("re-injects the tokens only under the names the 1.18.1 images read", () => {
    const ops = statefulSetTokenPatch(sts.spec.template.spec, fresh);
    const out = jsonpatch.applyPatch(
      structuredClone(sts),
      ops as Operation[],
      true,
      false,
    ).newDocument;
    const envOf = (
      list: { name: string; env?: { name: string; value?: string }[] }[],
      name: string,
    ) =>
      Object.fromEntries(
        (list.find((c) => c.name === name)?.env ?? []).map((e) => [e.name, e.value]),
      );
    const pod = out.spec.template.spec;
    expect(envOf(pod.containers, "jupyter-server")).toEqual({ RENKU_ACCESS_TOKEN: "keep" });
    expect(envOf(pod.containers, "git-proxy")).toEqual({
      REPOSITORY_URL: "https://x",
      GITLAB_OAUTH_TOKEN: "new-git",
      GITLAB_OAUTH_TOKEN_EXPIRES_AT: "2000000000",
      RENKU_ACCESS_TOKEN: "new-access",
      RENKU_REFRESH_TOKEN: "new-refresh",
      // HEAD's name, which git-https-proxy 1.18.1 never reads: left as it was.
      GIT_PROXY_RENKU_ACCESS_TOKEN: "old-access",
    });
    expect(envOf(pod.initContainers, "git-clone")).toEqual({
      GIT_CLONE_USER__RENKU_TOKEN: "old-access",
      GIT_CLONE_USER__OAUTH_TOKEN: "new-git",
    });
    expect(envOf(pod.initContainers, "init-user-secrets")).toEqual({});
  });

  it("guards each replace with a test of the variable's name", () => {
    const ops = statefulSetTokenPatch(sts.spec.template.spec, fresh);
    const moved = structuredClone(sts);
    moved.spec.template.spec.containers[2]?.env.reverse();
    expect(() => jsonpatch.applyPatch(moved, ops as Operation[], true, false)).toThrow();
  });

  it("the pull secret gets the new GitLab token, keeping the e-mail", () => {
    const current = dockerConfigJson("registry.example.org", "old-git", "john@example.org");
    const next = refreshedDockerConfigJson(current, "registry.example.org", "new-git");
    expect(JSON.parse(Buffer.from(next, "base64").toString())).toEqual({
      auths: {
        "registry.example.org": {
          Username: "oauth2",
          Password: "new-git",
          Email: "john@example.org",
        },
      },
    });
    const rebuilt = refreshedDockerConfigJson(
      "!!not base64 json",
      "registry.example.org",
      "new-git",
      registered.email,
    );
    expect(
      JSON.parse(Buffer.from(rebuilt, "base64").toString()).auths["registry.example.org"].Password,
    ).toBe("new-git");
  });
});

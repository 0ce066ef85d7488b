/** deps.gitlab(token) reaches the configured GitLab as the given user, or anonymously. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installTestDeps, useTestDeps } from "../../helpers/deps.js";
import { type GitLabDouble, startGitLabDouble } from "../../local/gitlab/index.js";

let gl: GitLabDouble;

beforeAll(async () => {
  gl = await startGitLabDouble();
});
afterAll(async () => {
  installTestDeps(undefined);
  await gl.stop();
});

describe("deps.gitlab", () => {
  it("uses NB_GIT__URL and the caller's token", async () => {
    const { deps, logs } = useTestDeps({ NB_GIT__URL: gl.url });
    expect((await deps.gitlab("glpat-bob-secret").currentUser()).username).toBe("bob");
    expect(gl.calls.at(-1)?.user).toBe("bob");
    expect(await deps.gitlab().getProject("bob/secret")).toBeUndefined();
    expect((await deps.gitlab("glpat-bob-secret").getProject("bob/secret"))?.id).toBe(1005);
    expect(logs.join("")).not.toContain("glpat-bob-secret");
  });

  it("honours NB_UPSTREAM_TIMEOUT_MS", async () => {
    const { deps } = useTestDeps({ NB_GIT__URL: gl.url, NB_UPSTREAM_TIMEOUT_MS: "200" });
    gl.injectFault({ kind: "hang", times: 1 });
    await expect(deps.gitlab().getProject("renku-demo/hello-world")).rejects.toMatchObject({
      status: 503,
      code: 3503,
      message: "GitLab did not answer within 200 ms.",
    });
  });
});

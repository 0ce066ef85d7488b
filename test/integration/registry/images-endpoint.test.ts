/** GET /notebooks/images through the real middy stack against the suite's real registries. */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { main } from "../../../functions/images.js";
import { type TestDeps, useTestDeps } from "../../helpers/deps.js";
import { invoke } from "../../helpers/events.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { REGISTRY_GITLAB_USER } from "../../local/registry/fixtures.js";

const { open, token } = inject("registries");
const tokenServerHost = new URL(token.tokenUrl).host;
const alice = registeredHeaders({ username: REGISTRY_GITLAB_USER });
const bob = registeredHeaders({ username: "bob" });

let t: TestDeps;
beforeAll(() => {
  const local = JSON.stringify([open.host, token.host, tokenServerHost]);
  t = useTestDeps({
    NB_REGISTRY__ALLOWED_HOSTS: local,
    NB_REGISTRY__PLAIN_HTTP_HOSTS: local,
    // The bearer-token registry plays the GitLab registry: private images need the user's token.
    NB_GIT__REGISTRY: token.host,
    NB_ANONYMOUS_SESSIONS_ENABLED: "true",
  });
});

const get = (image_url: string | undefined, headers: Record<string, string> = alice) =>
  invoke(main, {
    path: "/notebooks/images",
    headers,
    query: image_url === undefined ? {} : { image_url },
  });

describe("GET /notebooks/images", () => {
  it("answers 200 with an empty body for an existing image", async () => {
    const res = await get(`${open.host}/demo/oci:1.0`);
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
  });

  it("answers 200 for a multi-arch index that has linux/amd64", async () => {
    expect((await get(`${open.host}/demo/multi:1.0`)).status).toBe(200);
  });

  it("answers 404 with an empty body for a missing image", async () => {
    const res = await get(`${open.host}/demo/oci:does-not-exist`);
    expect(res.status).toBe(404);
    expect(res.text).toBe("");
  });

  it("answers 422 code 1002 for a reference that cannot be parsed", async () => {
    const res = await get(":::?-+^");
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe(1002);
    expect(res.json.error.message).toContain(":::?-+^");
  });

  it("answers 422 code 1422 without image_url", async () => {
    const res = await get(undefined);
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe(1422);
  });

  it.each(["169.254.169.254/latest/meta-data:1", "10.0.0.1/x/y:1", "127.0.0.1:9/x/y:1"])(
    "answers 422 for %s, a registry on a non-public address",
    async (image) => {
      const res = await get(image);
      expect(res.status).toBe(422);
      expect(res.json.error.message).toMatch(/non-public address/);
    },
  );

  it("answers 401 without credentials, before looking at the query", async () => {
    expect((await get(`${open.host}/demo/oci:1.0`, {})).status).toBe(401);
    const bad = await get(":::?-+^", {});
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe(1401);
  });

  it("finds a private GitLab-registry image with the user's own token, and not with another's", async () => {
    expect((await get(`${token.host}/private/secret:1.0`, alice)).status).toBe(200);
    expect((await get(`${token.host}/private/secret:1.0`, bob)).status).toBe(404);
  });

  it("lets anonymous users see public images only", async () => {
    const anon = anonHeaders("anon-user-1");
    expect((await get(`${token.host}/demo/oci:1.0`, anon)).status).toBe(200);
    expect((await get(`${token.host}/private/secret:1.0`, anon)).status).toBe(404);
  });

  it("never logs the user's token", async () => {
    await get(`${token.host}/private/secret:1.0`, alice);
    expect(t.logs.join("\n")).not.toContain("glpat-alice-secret");
  });
});

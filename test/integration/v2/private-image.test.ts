/**
 * A v2 launch of a private image, against the real docker-registry behind bearer-token auth
 * playing the GitLab registry (NB_GIT__REGISTRY): with the caller's `Gitlab-Access-Token` the
 * session gets data-services' pull secret (`<name>-image-secret-v1`, kubernetes.io/dockerconfigjson,
 * adopted, so it goes with the session); without a credential that can pull it, the launch is
 * refused with a 422 naming what is not supported, and nothing is left behind.
 */
import { Buffer } from "node:buffer";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AmaltheaSession } from "../../../lib/backends/amaltheasession/types.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { v2Headers } from "../../helpers/v2-users.js";
import { REGISTRY_GITLAB_TOKEN } from "../../local/registry/fixtures.js";
import { LAUNCHERS, v2Api } from "./api.js";

const { open, token } = inject("registries");
// The registry, and its token server (the realm), both reachable past the SSRF guard over http.
const HOSTS = JSON.stringify([open.host, token.host, new URL(token.tokenUrl).host]);
const PRIVATE_LAUNCHER = "01JDV2SES00000000000000010";
const MISSING_LAUNCHER = "01JDV2SES00000000000000011";
const THEIRS = "theirs-0123456789ab";
const IMAGE = `${token.host}/private/secret:1.0`;
let stack: SessionStack;
const alice = v2Api({ ...v2Headers("alice"), "gitlab-access-token": REGISTRY_GITLAB_TOKEN });
const aliceWithoutToken = v2Api(v2Headers("alice"));
const bobWrongToken = v2Api({ ...v2Headers("bob"), "gitlab-access-token": "glpat-not-alice" });

beforeAll(async () => {
  stack = await startSessionStack({
    timing: "instant",
    env: {
      NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET: "local-git-proxy-secret",
      NB_GIT__REGISTRY: token.host,
      NB_REGISTRY__ALLOWED_HOSTS: HOSTS,
      NB_REGISTRY__PLAIN_HTTP_HOSTS: HOSTS,
    },
  });
  // The kubelet pulls this registry's images for real, with each pod's pull secrets.
  stack.cluster.pullFrom([token.host]);
  const hello = stack.dataServices.data.launchers.find((l) => l.id === LAUNCHERS.hello);
  if (!hello) throw new Error("the seed's hello launcher is missing");
  const withImage = (id: string, image: string) => ({
    ...structuredClone(hello),
    id,
    environment: { ...structuredClone(hello.environment), container_image: image },
  });
  stack.dataServices.data.launchers.push(
    withImage(PRIVATE_LAUNCHER, IMAGE),
    withImage(MISSING_LAUNCHER, `${token.host}/private/none:1.0`),
  );
});
afterAll(() => stack?.stop());

const mine = (user: string) =>
  stack.deps.amaltheaSessions.list(`renku.io/safe-username=sub-${user}`);

describe("a v2 launch of a private GitLab-registry image", () => {
  let name = "";

  it("refuses with 422 naming the unsupported ways when no credential here can pull it", async () => {
    for (const [who, api] of [
      ["alice", aliceWithoutToken],
      ["bob", bobWrongToken],
    ] as const) {
      const r = await api.create({ launcher_id: PRIVATE_LAUNCHER });
      expect(r.status, who).toBe(422);
      expect(r.json.error.code).toBe(1422);
      expect(r.json.error.message).toBe(
        `The image ${IMAGE} cannot be pulled by this sessions service: it does not exist, or it is private. Private images are supported only in the GitLab registry (${token.host}) with your GitLab token; private images through connected services (OAuth2 registry connections) and private image builds are not supported yet by this sessions service.`,
      );
      expect(JSON.stringify(r.json)).not.toContain("glpat");
      expect(await mine(who)).toEqual([]);
    }
  });

  it("refuses an image that does not exist, even with a token", async () => {
    const r = await alice.create({ launcher_id: MISSING_LAUNCHER });
    expect([r.status, r.json.error.code]).toEqual([422, 1422]);
    expect(await mine("alice")).toEqual([]);
  });
  it("gets data-services' pull secret with the caller's GitLab token, adopted by the session", async () => {
    const r = await alice.create({ launcher_id: PRIVATE_LAUNCHER });
    expect(r.status, r.text).toBe(201);
    expect(r.json.image).toBe(IMAGE);
    name = r.json.name;
    const cr = (await stack.deps.amaltheaSessions.get(name)) as AmaltheaSession;
    expect(cr.spec.imagePullSecrets).toEqual([{ name: `${name}-image-secret-v1`, adopt: true }]);
    const secret = await stack.deps.amaltheaSessions.getSecret(`${name}-image-secret-v1`);
    expect(secret?.type).toBe("kubernetes.io/dockerconfigjson");
    const config = JSON.parse(
      Buffer.from(secret?.data?.[".dockerconfigjson"] ?? "", "base64").toString("utf8"),
    );
    expect(config).toEqual({
      auths: {
        [token.host]: {
          Username: "oauth2",
          Password: REGISTRY_GITLAB_TOKEN,
          Email: "alice@example.org",
        },
      },
    });
  });

  it("the kubelet pulls the image with the pull secret from the registry, and the session runs", async () => {
    await stack.cluster.amalthea.settle();
    expect((await alice.get(name)).json.status.state).toBe("running");
    const pod = await stack.deps.amaltheaSessions.getPod(`${name}-0`);
    expect(pod?.spec?.imagePullSecrets).toEqual([{ name: `${name}-image-secret-v1` }]);
    const main = pod?.status?.containerStatuses?.find((c) => c.name === "amalthea-session");
    expect(main?.ready).toBe(true);
  });

  it("without that secret the same pod cannot pull: as data-services' own session of this image", async () => {
    // data-services names `<name>-image-secret-v1` but never creates it (stringData): the same
    // session, with a pull secret that does not exist.
    const ours = (await stack.deps.amaltheaSessions.get(name)) as AmaltheaSession;
    const theirs = structuredClone(ours);
    theirs.metadata = {
      name: THEIRS,
      namespace: "renku",
      labels: ours.metadata.labels,
      annotations: ours.metadata.annotations,
    };
    theirs.spec.imagePullSecrets = [{ name: `${THEIRS}-image-secret-v1`, adopt: true }];
    // Its auth Secret is ours, not adopted, so deleting it leaves ours alone.
    theirs.spec.authentication = {
      ...theirs.spec.authentication,
      secretRef: { name, key: "auth", adopt: false },
    } as AmaltheaSession["spec"]["authentication"];
    await stack.deps.amaltheaSessions.create(theirs);
    await stack.cluster.amalthea.settle();
    const pod = await stack.deps.amaltheaSessions.getPod(`${THEIRS}-0`);
    const main = pod?.status?.containerStatuses?.find((c) => c.name === "amalthea-session");
    expect(main?.state?.waiting?.reason).toBe("ErrImagePull");
    expect(main?.state?.waiting?.message).toContain(`failed to pull and unpack image "${IMAGE}"`);
    const seen = (await alice.get(THEIRS)).json;
    expect(seen.status.state).toBe("failed");
    expect(seen.status.message).toContain(
      "failure to retrieve image for container amalthea-session",
    );
    expect((await alice.delete(THEIRS)).status).toBe(204);
    await stack.cluster.amalthea.settle();
  });

  it("resumes with the caller's fresh GitLab token in the pull secret, and pulls again", async () => {
    const secretName = `${name}-image-secret-v1`;
    const stale = await stack.deps.amaltheaSessions.getSecret(secretName);
    // The token it was made with has expired meanwhile.
    const expired = Buffer.from(
      JSON.stringify({
        auths: { [token.host]: { Username: "oauth2", Password: "glpat-expired" } },
      }),
    ).toString("base64");
    await stack.deps.amaltheaSessions.overwriteSecret({
      ...stale,
      metadata: { name: secretName },
      data: { ".dockerconfigjson": expired },
    });
    expect((await alice.patch(name, { state: "hibernated" })).status).toBe(200);
    await stack.cluster.amalthea.settle();
    expect((await alice.patch(name, { state: "running" })).status).toBe(200);
    await stack.cluster.amalthea.settle();
    const fresh = await stack.deps.amaltheaSessions.getSecret(secretName);
    const config = JSON.parse(
      Buffer.from(fresh?.data?.[".dockerconfigjson"] ?? "", "base64").toString("utf8"),
    );
    expect(config.auths[token.host].Password).toBe(REGISTRY_GITLAB_TOKEN);
    expect((await alice.get(name)).json.status.state).toBe("running");
  });

  it("the pull secret goes with the session", async () => {
    expect((await alice.delete(name)).status).toBe(204);
    await stack.cluster.amalthea.settle();
    expect(await stack.deps.amaltheaSessions.getSecret(`${name}-image-secret-v1`)).toBeUndefined();
    expect(await stack.deps.amaltheaSessions.getSecret(name)).toBeUndefined();
  });
});

/**
 * A private image on the GitLab registry (here: the suite's bearer-token registry, whose tokens
 * only alice's GitLab token opens) gets an image pull secret carrying the caller's GitLab token.
 */
import { Buffer } from "node:buffer";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { JupyterServer } from "../../../lib/backends/jupyterserver/types.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { helloBody, launch, opsAt, STS } from "./helpers.js";

let stack: SessionStack;
const registries = inject("registries");
const tokenHost = registries.token.host;
// The token server (the registry's auth realm) is local too: allowed and spoken to over http.
const localHosts = JSON.stringify([
  registries.open.host,
  tokenHost,
  new URL(registries.token.tokenUrl).host,
]);
const privateImage = `${tokenHost}/private/secret:1.0`;

beforeAll(async () => {
  stack = await startSessionStack({
    env: {
      NB_GIT__REGISTRY: tokenHost,
      NB_REGISTRY__ALLOWED_HOSTS: localHosts,
      NB_REGISTRY__PLAIN_HTTP_HOSTS: localHosts,
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe("private GitLab-registry images", () => {
  it("a reader's launch gets a pull secret with its GitLab token", async () => {
    const res = await launch(
      registeredHeaders({ username: "alice" }),
      helloBody({ image: privateImage }),
    );
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.json)).not.toContain("glpat-alice-secret");
    const name = (res.json as { name: string }).name;
    const js = (await stack.deps.k8s.get(name)) as JupyterServer;
    expect(js.spec.jupyterServer.image).toBe(privateImage);
    expect(js.spec.jupyterServer.rootDir).toBe("/home/jovyan/private/work/hello-world/");
    const secret = opsAt(js, "/image_pull_secret")[0]?.value as {
      metadata: { name: string };
      type: string;
      data: Record<string, string>;
    };
    expect(secret.metadata.name).toBe(`${name}-image-secret`);
    expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
    const config = JSON.parse(
      Buffer.from(secret.data[".dockerconfigjson"] ?? "", "base64").toString("utf8"),
    );
    expect(config).toEqual({
      auths: {
        [tokenHost]: {
          Username: "oauth2",
          Password: "glpat-alice-secret",
          Email: "alice@example.org",
        },
      },
    });
    expect(opsAt(js, `${STS}/imagePullSecrets/-`).map((op) => op.value)).toEqual([
      { name: `${name}-image-secret` },
    ]);
    // The operator made the child Secret from the patch.
    const child = await stack.deps.k8s.getSecret(`${name}-image-secret`);
    expect(child?.type).toBe("kubernetes.io/dockerconfigjson");
  });

  it("a caller whose token cannot read it gets the 404 for the image", async () => {
    const res = await launch(
      registeredHeaders({ username: "bob" }),
      helloBody({ image: privateImage }),
    );
    expect(res.status).toBe(404);
    expect((res.json as { error: { message: string } }).error.message).toBe(
      `Cannot start the session because the following Git or Docker resources are missing: image ${privateImage} does not exist or cannot be accessed`,
    );
  });
});

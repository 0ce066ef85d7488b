/**
 * The registry failing during a launch (README DECISION): an unanswered or 5xx image check is a
 * 503 code 3503 and nothing is created; the service never falls back to the default image then.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { JupyterServer } from "../../../lib/backends/jupyterserver/types.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { type RegistryProxy, startRegistryProxy } from "../../local/registry/proxy.js";
import { HELLO, helloBody, launch } from "./helpers.js";

const { open } = inject("registries");
const alice = registeredHeaders({ username: "alice" });
let proxy: RegistryProxy;
let stack: SessionStack;

beforeAll(async () => {
  proxy = await startRegistryProxy({ target: open.url });
  const hosts = JSON.stringify([proxy.host, open.host]);
  // The commit images come through the proxy; the default image stays reachable.
  stack = await startSessionStack({
    env: {
      NB_GIT__REGISTRY: proxy.host,
      NB_REGISTRY__ALLOWED_HOSTS: hosts,
      NB_REGISTRY__PLAIN_HTTP_HOSTS: hosts,
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
});

describe("the project's registry answering 5xx during a launch", () => {
  it.each([500, 503])(
    "a %i is 503 code 3503, without a session on the default image",
    async (status) => {
      proxy.setFault(status);
      try {
        const res = await launch(alice, helloBody());
        expect(res.status).toBe(503);
        expect((res.json as { error: { code: number } }).error.code).toBe(3503);
        expect(await stack.deps.k8s.listForUser("alice")).toEqual([]);
      } finally {
        proxy.setFault(undefined);
      }
    },
  );

  it("once the registry answers again, the launch gets the commit image", async () => {
    const res = await launch(alice, helloBody());
    expect(res.status).toBe(201);
    const js = (await stack.deps.k8s.get((res.json as { name: string }).name)) as JupyterServer;
    expect(js.spec.jupyterServer.image).toBe(
      `${proxy.host}/renku-demo/hello-world:${HELLO.commit.slice(0, 7)}`,
    );
    const body = res.json as { annotations: Record<string, string> };
    expect(body.annotations["renku.io/default_image_used"]).toBe("False");
  });
});

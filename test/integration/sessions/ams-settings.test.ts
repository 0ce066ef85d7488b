/**
 * Settings renku-data-services gives every AmaltheaSession that the backend had left out (issue
 * 23, item 7): a 1G /dev/shm, the ingress class, and anonymous sessions deleted a second after
 * they hibernate, whatever the pool says.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amaltheaSessions } from "../../helpers/backends.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { helloBody, launch } from "../launch/helpers.js";

let stack: SessionStack;
beforeAll(async () => {
  stack = await startSessionStack({
    timing: "instant",
    env: {
      NB_AMALTHEA__BACKEND: "amaltheasession",
      NB_SESSIONS__INGRESS__ANNOTATIONS: JSON.stringify({
        "kubernetes.io/ingress.class": "nginx",
      }),
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const nameOf = (res: { json: unknown }) => (res.json as { name: string }).name;

describe("AmaltheaSession settings from renku-data-services", () => {
  it("a registered session gets a 1G /dev/shm and its ingress the class, and runs", async () => {
    const res = await launch(registeredHeaders({ username: "alice" }), helloBody());
    expect(res.status).toBe(201);
    const name = nameOf(res);
    await stack.cluster.amalthea.settle();
    const pod = await stack.deps.k8s.getPod(`${name}-0`);
    expect(pod?.status?.phase).toBe("Running");
    const shm = pod?.spec?.volumes?.find((v) => v.name === "amalthea-dev-shm");
    expect(shm?.emptyDir).toEqual({ medium: "Memory", sizeLimit: "1G" });
    const ingress = (await (
      await fetch(
        `${stack.cluster.url}/apis/networking.k8s.io/v1/namespaces/renku/ingresses/${name}`,
      )
    ).json()) as { spec: { ingressClassName?: string } };
    expect(ingress.spec.ingressClassName).toBe("nginx");
    const ams = await amaltheaSessions(stack.deps).get(name);
    expect(ams?.spec.culling?.maxHibernatedDuration).not.toBe("1s");
  });

  it("an anonymous session is kept hibernated 1 s, whatever the configuration says for it", async () => {
    const res = await launch(anonHeaders("anon-settings-1"), helloBody());
    expect(res.status).toBe(201);
    const ams = await amaltheaSessions(stack.deps).get(nameOf(res));
    expect(ams?.spec.culling?.maxHibernatedDuration).toBe("1s");
  });
});

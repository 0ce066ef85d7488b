/**
 * The stop's hand-off (D24) under `serverless offline`, as a local run configures it: DELETE is
 * served by serversDelete, which invokes sessionStop through offline's own Lambda API
 * (NB_AUTOSAVE__LAMBDA_ENDPOINT on LAMBDA_PORT, InvocationType Event) and answers 204 at once;
 * offline then runs sessionStop, whose autosave over the sidecar's RPC (40 simulated seconds, past
 * the pod's 30 s grace period) reaches the GitLab double before the session is deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KITS } from "../helpers/backends.js";
import { BASE_ENV } from "../helpers/deps.js";
import { freePort, type Offline, startOffline } from "../helpers/offline.js";
import { type SessionStack, startSessionStack } from "../helpers/stack.js";
import { registeredHeaders } from "../helpers/users.js";
import { launch } from "../integration/sessions/launch.js";
import { GIT_STATE_ANNOTATION } from "../local/cluster/index.js";

const bob = registeredHeaders({ username: "bob" });
const kit = KITS.amaltheasession;

describe("the stop handed off to sessionStop, under serverless offline", () => {
  let stack: SessionStack;
  let offline: Offline;

  beforeAll(async () => {
    stack = await startSessionStack({ timing: { stepMs: 100 }, env: kit.env, graceScale: 0.01 });
    const lambdaPort = await freePort();
    offline = await startOffline(
      {
        ...BASE_ENV,
        ...stack.env,
        NB_LOG_LEVEL: "info",
        LAMBDA_PORT: String(lambdaPort),
        NB_AUTOSAVE__ON_STOP_FUNCTION: "renku-notebooks-local-sessionStop",
        NB_AUTOSAVE__LAMBDA_ENDPOINT: `http://127.0.0.1:${lambdaPort}`,
      },
      280_000,
    );
    // Offline loads a function on its first call; a cold start must not count against DELETE's.
    for (const method of ["GET", "DELETE"])
      for (let i = 0; i < 5; i++) {
        const r = await fetch(`${offline.url}/notebooks/servers/warm`, { method }).catch(
          () => null,
        );
        if (r?.status === 401) break;
      }
  }, 600_000);
  afterAll(async () => {
    await offline?.stop();
    await stack?.stop();
  });

  const get = (name: string) =>
    fetch(`${offline.url}/notebooks/servers/${name}`, { headers: bob }).then(async (r) => ({
      status: r.status,
      // biome-ignore lint/suspicious/noExplicitAny: a response's JSON
      json: (r.status === 200 ? await r.json() : undefined) as any,
    }));

  it("DELETE answers 204, the session shows stopping, the autosave reaches GitLab, then it is gone", {
    timeout: 300_000,
  }, async () => {
    const js = await launch(stack, { headers: bob, branch: "offline-stop" });
    const name = js.metadata.name;
    await expect
      .poll(async () => (await get(name)).json?.status.state, { timeout: 120_000, interval: 200 })
      .toBe("running");
    await kit.patchMerge(stack.deps, name, {
      metadata: {
        annotations: {
          [GIT_STATE_ANNOTATION]: JSON.stringify({ clean: false, autosaveSeconds: 40 }),
        },
      },
    });
    const branch = "renku/autosave/bob/offline-stop/f1ea335/f1ea335";

    const r = await fetch(`${offline.url}/notebooks/servers/${name}`, {
      method: "DELETE",
      headers: bob,
    });
    expect(r.status).toBe(204);
    const right = await get(name);
    // Unless sessionStop was quicker than this GET: then it is stopping through the operator.
    if (right.status === 200) expect(right.json.status.state).toBe("stopping");
    await expect
      .poll(async () => (await get(name)).status, { timeout: 120_000, interval: 200 })
      .toBe(404);
    expect([...(stack.gitlab.state.project(1001)?.branches.keys() ?? [])]).toContain(branch);
    expect(offline.output()).toContain("autosaved before the stop");
  });
});

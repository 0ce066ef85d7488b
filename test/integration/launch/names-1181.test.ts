/**
 * A session that renku-notebooks 1.18.1 started is found by POST for the same launch, also for a
 * username whose escaped form is longer than 10 characters, where 1.18.1 truncated it its own way
 * (issue 23, item 8). The 1.18.1 session is made here as 1.18.1 named it: our manifest under the
 * name 1.18.1's formula gives.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JupyterServer } from "../../../lib/backends/jupyterserver/types.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "../sessions/api.js";
import { helloBody, launch } from "./helpers.js";

// "alice-wonderland" escapes to "alice-2dwonderland" (18 characters).
const user = registeredHeaders({
  username: "alice-wonderland",
  gitToken: "glpat-alice-secret",
});
/** md5("alice-2dwonderland-renku-demo-hello-world-master-<commit>")[:8] = 07622032. */
const OURS = "alice-2dwond-hello-2dworld-07622032";
const BY_1181 = "alice-2dwo-hello-2dworld-07622032";

let stack: SessionStack;
beforeAll(async () => {
  stack = await startSessionStack({ timing: "instant" });
});
afterAll(async () => {
  await stack?.stop();
});

describe("a 1.18.1 session for a long username", () => {
  it("is the answer to POST (200), and no second session starts", async () => {
    const first = await launch(user, helloBody());
    expect(first.status).toBe(201);
    expect((first.json as { name: string }).name).toBe(OURS);
    // The same session as 1.18.1 named it; ours goes.
    const js = (await stack.deps.k8s.get(OURS)) as JupyterServer;
    const { labels, annotations } = js.metadata;
    await stack.deps.k8s.create({
      ...js,
      metadata: { name: BY_1181, namespace: "renku", labels, annotations },
      status: undefined,
    } as unknown as JupyterServer);
    expect((await sessionsApi(user).stop(OURS, { forced: "true" })).status).toBe(204);
    await stack.cluster.amalthea.settle();

    const again = await launch(user, helloBody());
    expect(again.status).toBe(200);
    expect((again.json as { name: string }).name).toBe(BY_1181);
    const names = (await stack.deps.k8s.listForUser("alice-2dwonderland")).map(
      (s) => s.metadata.name,
    );
    expect(names).toEqual([BY_1181]);
  });
});

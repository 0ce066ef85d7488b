/**
 * The pool's PriorityClass on the session's pod, as 1.18.1 sets it: only when the launch names its
 * resource class. On a cluster where the operator did not create the quota's PriorityClass, a
 * default-class launch must still run (admission refuses a pod naming a missing class).
 */
import { describe, expect, it } from "vitest";
import { registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "../sessions/api.js";
import { crcStack } from "./crc-stack.js";
import { helloBody, launch } from "./helpers.js";

const alice = registeredHeaders({ username: "alice" });

describe.each(["jupyterserver", "amaltheasession"])("the priority class on %s", (backend) => {
  const { stack } = crcStack(backend);

  it("a launch without resource_class_id names no PriorityClass, and runs", async () => {
    const res = await launch(alice, helloBody());
    expect(res.status).toBe(201);
    const name = (res.json as { name: string }).name;
    await stack().cluster.amalthea.settle();
    expect((await sessionsApi(alice).get(name)).json.status.state).toBe("running");
    const pod = await stack().deps.k8s.getPod(`${name}-0`);
    expect(pod?.spec?.priorityClassName).toBeUndefined();
  });

  it("a launch naming its class names the pool's PriorityClass, which the cluster must have", async () => {
    const res = await launch(alice, helloBody({ branch: "main", resource_class_id: 1 }));
    expect(res.status).toBe(201);
    const name = (res.json as { name: string }).name;
    await stack().cluster.amalthea.settle();
    const sts = await stack().deps.k8s.getStatefulSet(name);
    expect(sts?.spec?.template.spec?.priorityClassName).toBe("public-quota");
    // Without the PriorityClass the StatefulSet controller reports the refusal, and the caller
    // reads it among the session's events.
    const r = await sessionsApi(alice).events(name);
    expect(r.status).toBe(200);
    const events = (
      r.json as { events: Array<{ reason: string; message: string; object: unknown }> }
    ).events;
    expect(events.filter((e) => e.reason === "FailedCreate")).toEqual([
      expect.objectContaining({
        object: { kind: "StatefulSet", name },
        message: `create Pod ${name}-0 in StatefulSet ${name} failed error: pods "${name}-0" is forbidden: no PriorityClass with name public-quota was found`,
      }),
    ]);
  });
});

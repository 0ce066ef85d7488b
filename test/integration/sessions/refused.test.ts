/**
 * A session the cluster refuses to run (issue 23): its StatefulSet refused by the API server's
 * validation, or its pod by admission (a PriorityClass that does not exist). No pod comes, so the
 * session would show `starting` for ever; the simulated controllers record what the real ones do
 * (the StatefulSet controller's FailedCreate; Amalthea 0.24's kopf posts create_fn's exception as
 * an Error event; Amalthea 0.31 records nothing), and GET and the list carry the refusal as a
 * critical status warning, on both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STS_MISSING } from "../../../lib/backends/pod/refusal.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "./api.js";
import { launch, type SidecarContainer } from "./launch.js";

const bob = registeredHeaders({ username: "bob" });
const api = sessionsApi(bob);

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  let stack: SessionStack;

  beforeAll(async () => {
    stack = await startSessionStack({ env: kit.env, timing: "instant" });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const events = async (name: string) =>
    (await stack.deps.k8s.listEvents(name)).map((e) => ({
      kind: e.involvedObject?.kind,
      type: e.type,
      reason: e.reason,
      component: e.source?.component,
      message: e.message ?? "",
    }));

  it("a refused StatefulSet: starting, with the refusal as a critical warning", async () => {
    const js = await launch(stack, {
      headers: bob,
      branch: "refused-statefulset",
      // An env name kube-apiserver refuses in a pod template, which no CRD schema checks.
      sidecar: (c: SidecarContainer) => {
        c.env = [...(c.env ?? []), { name: "BROKEN=NAME", value: "x" }];
      },
    });
    const name = js.metadata.name;
    expect(await stack.deps.k8s.getStatefulSet(name)).toBeUndefined();
    const r = await api.get(name);
    expect(r.status).toBe(200);
    expect(r.json.status.state).toBe("starting");
    const seen = await events(name);
    if (kit.name === "jupyterserver") {
      // kopf's event on the JupyterServer carries the API server's answer.
      expect(seen).toContainEqual(
        expect.objectContaining({
          kind: "JupyterServer",
          type: "Error",
          reason: "Logging",
          component: "kopf",
          message: expect.stringMatching(
            /^Handler 'create_fn' failed with an exception\. Will retry\.\n[\s\S]*UnprocessableEntityError: 422\nReason: Unprocessable Entity\n/,
          ),
        }),
      );
      expect(r.json.status.warnings).toContainEqual({
        message: expect.stringMatching(
          new RegExp(
            `^The cluster refused to create the session: StatefulSet.apps "${name}" is invalid: .*env\\[\\d+\\]\\.name: Invalid value: "BROKEN=NAME"`,
          ),
        ),
        critical: true,
      });
    } else {
      // Amalthea 0.31 records no event and writes no status past the URL: only its log knows.
      expect(seen).toEqual([]);
      expect(r.json.status.warnings).toContainEqual({ message: STS_MISSING, critical: true });
    }
    const listed = (await api.list()).json.servers[name];
    expect(listed.status.warnings).toEqual(r.json.status.warnings);
  });

  it("a refused pod (a PriorityClass that does not exist): the FailedCreate as a warning", async () => {
    const js = await launch(stack, {
      headers: bob,
      branch: "refused-pod",
      priorityClass: "no-such-class",
    });
    const name = js.metadata.name;
    expect(await stack.deps.k8s.getStatefulSet(name)).toBeDefined();
    expect(await stack.deps.k8s.getPod(`${name}-0`)).toBeUndefined();
    expect(await events(name)).toContainEqual(
      expect.objectContaining({
        kind: "StatefulSet",
        type: "Warning",
        reason: "FailedCreate",
        component: "statefulset-controller",
      }),
    );
    const r = await api.get(name);
    expect(r.json.status.state).toBe("starting");
    expect(r.json.status.warnings).toContainEqual({
      message: `The cluster refused to create the session's pod: pods "${name}-0" is forbidden: no PriorityClass with name no-such-class was found`,
      critical: true,
    });
  });

  it("a session that runs has no such warning", async () => {
    const js = await launch(stack, { headers: bob, branch: "not-refused" });
    const r = await api.get(js.metadata.name);
    expect(r.json.status.state).toBe("running");
    expect(r.json.status.warnings).toEqual([]);
  });
});

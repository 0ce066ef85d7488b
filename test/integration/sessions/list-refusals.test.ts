/**
 * The polling list's cluster calls while sessions start without a pod (issue 23's refusals): the
 * list reads why for all of them at once, so its calls stay the same however many start (a class
 * launching at once, each student polling), on both backends, and each session still shows the
 * refusal GET shows for it (GET reads one session's own events and StatefulSet).
 */
import { describe, expect, it } from "vitest";
import { jupyterServerBackend } from "../../../lib/backends/jupyterserver/backend.js";
import { STS_MISSING } from "../../../lib/backends/pod/refusal.js";
import { backendStack } from "../../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { k8sCalls } from "../../helpers/k8s-calls.js";
import { registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "./api.js";
import { launch, type SidecarContainer } from "./launch.js";

/** An env name kube-apiserver refuses in a pod template: the StatefulSet is refused. */
const brokenSidecar = (c: SidecarContainer) => {
  c.env = [...(c.env ?? []), { name: "BROKEN=NAME", value: "x" }];
};

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  const stack = backendStack(kit, { timing: "instant" });

  /** The list's calls: the sessions (and, for AmaltheaSessions, their pods), then two at most. */
  const expected =
    kit.name === "jupyterserver"
      ? ["list events", "list jupyterservers", "list statefulsets"]
      : ["list amaltheasessions", "list events", "list pods", "list statefulsets"];

  it.each([1, 5])(
    "%i starting sessions without a pod: the list's calls do not grow, and each shows its refusal",
    async (n) => {
      const headers = registeredHeaders({ username: `starter${n}` });
      const api = sessionsApi(headers);
      // One that runs, and n that the cluster refuses: StatefulSet and pod refusals in turn.
      const running = (await launch(stack, { headers, branch: "runs" })).metadata.name;
      const refused: { name: string; pod: boolean }[] = [];
      for (let i = 0; i < n; i++) {
        const pod = i % 2 === 0;
        const branch = `refused-${i}`;
        const js = pod
          ? await launch(stack, { headers, branch, priorityClass: "no-such-class" })
          : await launch(stack, { headers, branch, sidecar: brokenSidecar });
        refused.push({ name: js.metadata.name, pod });
      }

      let listed: Awaited<ReturnType<typeof api.list>> | undefined;
      const calls = await k8sCalls(stack.cluster, async () => {
        listed = await api.list();
      });
      expect(listed?.status).toBe(200);
      expect([...calls].sort()).toEqual(expected);

      const servers = listed?.json.servers;
      expect(Object.keys(servers).sort()).toEqual([running, ...refused.map((r) => r.name)].sort());
      expect(servers[running].status.state).toBe("running");
      expect(servers[running].status.warnings).toEqual([]);
      for (const { name, pod } of refused) {
        const shown = servers[name].status;
        expect(shown.state).toBe("starting");
        const message = pod
          ? `The cluster refused to create the session's pod: pods "${name}-0" is forbidden: no PriorityClass with name no-such-class was found`
          : kit.name === "jupyterserver"
            ? expect.stringMatching(
                new RegExp(
                  `^The cluster refused to create the session: StatefulSet.apps "${name}" is invalid: `,
                ),
              )
            : STS_MISSING;
        expect(shown.warnings).toContainEqual({ message, critical: true });
        // The same warnings as GET, which reads this session's own events and StatefulSet.
        expect(shown.warnings).toEqual((await api.get(name)).json.status.warnings);
      }
    },
  );
});

describe("migration mode (NB_AMALTHEA__BACKEND=both)", () => {
  const stack = backendStack({ env: { NB_AMALTHEA__BACKEND: "both" } }, { timing: "instant" });

  it.each([1, 3])(
    "%i refused sessions of each kind: two more calls per kind, whatever their number",
    async (n) => {
      const headers = registeredHeaders({ username: `migrating${n}` });
      const api = sessionsApi(headers);
      // JupyterServers from before the switch (their pods refused), AmaltheaSessions after it
      // (their StatefulSets refused).
      const legacy = jupyterServerBackend(stack.deps.k8s, stack.deps.config, stack.deps.log);
      const before = { ...stack, deps: { ...stack.deps, sessions: legacy } };
      const pods: string[] = [];
      const sets: string[] = [];
      for (let i = 0; i < n; i++) {
        const old = await launch(before, {
          headers,
          branch: `old-${i}`,
          priorityClass: "no-such-class",
        });
        pods.push(old.metadata.name);
        const fresh = await launch(stack, { headers, branch: `new-${i}`, sidecar: brokenSidecar });
        sets.push(fresh.metadata.name);
      }

      let listed: Awaited<ReturnType<typeof api.list>> | undefined;
      const calls = await k8sCalls(stack.cluster, async () => {
        listed = await api.list();
      });
      expect([...calls].sort()).toEqual([
        "list amaltheasessions",
        "list events",
        "list events",
        "list jupyterservers",
        "list pods",
        "list statefulsets",
        "list statefulsets",
      ]);
      const servers = listed?.json.servers;
      expect(Object.keys(servers).sort()).toEqual([...pods, ...sets].sort());
      for (const name of pods)
        expect(servers[name].status.warnings).toContainEqual({
          message: `The cluster refused to create the session's pod: pods "${name}-0" is forbidden: no PriorityClass with name no-such-class was found`,
          critical: true,
        });
      for (const name of sets)
        expect(servers[name].status.warnings).toContainEqual({
          message: STS_MISSING,
          critical: true,
        });
      for (const name of [...pods, ...sets])
        expect(servers[name].status.warnings).toEqual((await api.get(name)).json.status.warnings);
    },
  );
});

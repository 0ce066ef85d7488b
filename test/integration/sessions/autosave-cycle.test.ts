/**
 * The git side of a session on the enforcing local cluster, through the endpoints: unsaved work
 * is autosaved to GitLab by the sidecar's preStop hook when the session stops, listed, restored by
 * the next launch; hibernation records the sidecar's git state; a failing hook holds the stop for
 * the git proxy's grace period.
 */
import { describe, expect, it } from "vitest";
import { main as listAutosaves } from "../../../functions/autosaves/list.js";
import { main as createServer } from "../../../functions/servers/create.js";
import { backendStack } from "../../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { installTestDeps, useTestDeps } from "../../helpers/deps.js";
import { invoke } from "../../helpers/events.js";
import { registeredHeaders } from "../../helpers/users.js";
import { GIT_STATE_ANNOTATION } from "../../local/cluster/index.js";
import { sessionsApi } from "./api.js";
import { HELLO, launch } from "./launch.js";

// bob is a Developer of renku-demo/hello-world: his sessions may autosave.
const bob = registeredHeaders({ username: "bob" });
const api = sessionsApi(bob);
const PROJECT = "renku-demo/hello-world";
const root7 = HELLO.master.slice(0, 7);
// A 600 s grace period becomes 6 s.
const GRACE_SCALE = 0.01;

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  const stack = backendStack(kit, { timing: "instant", graceScale: GRACE_SCALE });

  const post = () =>
    invoke(createServer, {
      method: "POST",
      path: "/notebooks/servers",
      headers: bob,
      body: { namespace: "renku-demo", project: "hello-world", commit_sha: HELLO.master },
    });
  const autosaves = () =>
    invoke(listAutosaves, {
      path: `/notebooks/${encodeURIComponent(PROJECT)}/autosave`,
      headers: bob,
      pathParameters: { namespace_project: encodeURIComponent(PROJECT) },
    });
  const gitlabBranches = () => [...(stack.gitlab.state.project(1001)?.branches.keys() ?? [])];
  const setGitState = (name: string, state: object) =>
    kit.patchMerge(stack.deps, name, {
      metadata: { annotations: { [GIT_STATE_ANNOTATION]: JSON.stringify(state) } },
    });
  const events = async (name: string) =>
    (await stack.deps.k8s.listEvents(`${name}-0`)).map((e) => `${e.reason}: ${e.message}`);

  describe("the autosave cycle", () => {
    let name: string;
    const branch = `renku/autosave/bob/master/${root7}/${root7}`;

    it("a dirty session's stop pushes the autosave branch and completes at once", async () => {
      const created = await post();
      expect(created.status).toBe(201);
      name = created.json.name;
      expect((await api.get(name)).json.status.state).toBe("running");
      expect(await setGitState(name, { clean: false })).toMatchObject({ metadata: { name } });
      expect(gitlabBranches()).not.toContain(branch);

      expect((await api.stop(name)).status).toBe(204);
      // The hook called the proxy's /shutdown: nothing waits out the grace period.
      expect((await api.get(name)).status).toBe(404);
      expect(gitlabBranches()).toContain(branch);
      const head = stack.gitlab.state.project(1001)?.branches.get(branch)?.commit ?? "";
      expect(stack.gitlab.state.project(1001)?.commits.get(head)).toMatchObject({
        parents: [HELLO.master],
        message: `Auto-saving for bob on branch master from commit ${root7}`,
      });
    });

    it("is listed by GET autosave", async () => {
      const r = await autosaves();
      expect(r.status).toBe(200);
      expect(r.json.autosaves).toContainEqual(
        expect.objectContaining({ branch: "master", commit: root7, name: branch, pvs: false }),
      );
    });

    it("is restored by the next launch at the same branch and commit, and then gone", async () => {
      const created = await post();
      expect(created.status).toBe(201);
      expect(created.json.name).toBe(name);
      expect((await api.get(name)).json.status.state).toBe("running");
      const logs = await api.logs(name);
      expect(logs.json["git-clone"]).toContain(`Autosave found origin/${branch}`);
      expect(logs.json["git-clone"]).toContain(`Recovering autosave origin/${branch}`);
      expect(gitlabBranches()).not.toContain(branch);
      const after = await autosaves();
      expect(after.json.autosaves.map((a: { name: string }) => a.name)).not.toContain(branch);
    });

    it("the restored work is unsaved again: hibernation records it as dirty", async () => {
      const r = await api.patch(name, { state: "hibernated" });
      expect(r.status).toBe(200);
      expect(r.json.annotations["renku.io/hibernationDirty"]).toBe("true");
      // Hibernating stopped the pod: its preStop saved the work again.
      expect(gitlabBranches()).toContain(branch);
      expect((await api.stop(name, { forced: "true" })).status).toBe(204);
      expect((await api.get(name)).status).toBe(404);
    });
  });

  describe("hibernation asks the sidecar", () => {
    it("records a dirty session's branch, commit, dirty and synchronized values", async () => {
      const js = await launch(stack, { headers: bob, branch: "hibernate-dirty" });
      const name = js.metadata.name;
      const commit = "1234567890abcdef1234567890abcdef12345678";
      await setGitState(name, { clean: false, ahead: 2, behind: 1, branch: "analysis", commit });
      const r = await api.patch(name, { state: "hibernated" });
      expect(r.status).toBe(200);
      const a = r.json.annotations;
      expect(JSON.parse(a["renku.io/hibernation"])).toMatchObject({
        branch: "analysis",
        commit,
        dirty: true,
        synchronized: false,
      });
      expect(a).toMatchObject({
        "renku.io/hibernationBranch": "analysis",
        "renku.io/hibernationCommitSha": commit,
        "renku.io/hibernationDirty": "true",
        "renku.io/hibernationSynchronized": "false",
      });
      expect((await api.get(name)).json.status.state).toBe("hibernated");
      const asked = stack.cluster.requests.filter((q) => q.subresource === "proxy").at(-1);
      expect(asked).toMatchObject({ method: "POST", verb: "create", resource: kit.sidecarProxy });
    });

    it("a sidecar that cannot answer (crash-looping) still lets it hibernate, with empty values", async () => {
      const js = await launch(stack, {
        headers: bob,
        branch: "hibernate-broken-sidecar",
        sidecar: (c) => {
          c.env = (c.env ?? []).filter((e) => !e.name.startsWith("GIT_RPC_SENTRY__"));
        },
      });
      const r = await api.patch(js.metadata.name, { state: "hibernated" });
      expect(r.status).toBe(200);
      expect(r.json.annotations).toMatchObject({
        "renku.io/hibernationBranch": "",
        "renku.io/hibernationCommitSha": "",
        "renku.io/hibernationDirty": "false",
        "renku.io/hibernationSynchronized": "false",
      });
    });

    it("a sidecar that never answers costs the call's own short timeout, not the request", async () => {
      const js = await launch(stack, { headers: bob, branch: "hibernate-stalled" });
      stack.cluster.faults.inject({ kind: "stall", pathPattern: /\/proxy\// });
      // The service's upstream timeout out of reach (10 min): only the call's own bound can end the
      // wait, else this test runs into the runner's timeout.
      const patient = useTestDeps({ ...stack.env, NB_UPSTREAM_TIMEOUT_MS: "600000" });
      const seen = stack.cluster.requests.length;
      try {
        const r = await api.patch(js.metadata.name, { state: "hibernated" });
        expect(r.status).toBe(200);
        expect(r.json.annotations["renku.io/hibernationBranch"]).toBe("");
      } finally {
        installTestDeps(stack.deps);
        stack.cluster.faults.clear();
      }
      // The service gave up on the proxied call: the cluster saw it close unanswered.
      const proxied = stack.cluster.requests.slice(seen).filter((c) => c.subresource === "proxy");
      expect(proxied.map((c) => c.unanswered)).toEqual([true]);
      expect(patient.logs.join("")).toContain("the git sidecar did not answer git/get_status");
    });
  });

  describe("a failing preStop hook", () => {
    it("an executable the image lacks (poetry): FailedPreStopHook, the stop held for the grace period, nothing saved", async () => {
      const js = await launch(stack, {
        headers: bob,
        branch: "poetry-hook",
        sidecar: (c) => {
          c.lifecycle = {
            preStop: {
              exec: {
                command: [
                  "poetry",
                  "run",
                  "python",
                  "-m",
                  "git_services.sidecar.run_command",
                  "autosave",
                ],
              },
            },
          };
        },
      });
      const name = js.metadata.name;
      await setGitState(name, { clean: false });
      const before = gitlabBranches();
      expect((await api.stop(name)).status).toBe(204);
      expect((await api.get(name)).json.status.state).toBe("stopping");
      expect((await events(name)).join("\n")).toMatch(
        /FailedPreStopHook: Exec lifecycle hook \(\[poetry run python .*executable file not found/,
      );
      // What sets the hold, as kubectl shows it: the git proxy waits its grace period, the kubelet
      // kills at the pod's deletion grace period, whichever comes first.
      const pod = await stack.deps.k8s.getPod(`${name}-0`);
      const proxyGrace = Number(
        (await (await kit.stored(stack.deps, name))?.env("git-proxy"))
          ?.SESSION_TERMINATION_GRACE_PERIOD_SECONDS ?? "600",
      );
      expect(Math.min(proxyGrace, pod?.metadata?.deletionGracePeriodSeconds ?? 0)).toBe(
        kit.stopHoldSeconds,
      );
      // The hold, on the simulator's scaled clock, then the session is gone.
      await expect
        .poll(async () => (await api.get(name)).status, { timeout: 60_000, interval: 200 })
        .toBe(404);
      expect(gitlabBranches()).toEqual(before);
    });

    it("missing CI_COMMIT_SHA fails the autosave; the hook still signals the proxy", async () => {
      const js = await launch(stack, {
        headers: bob,
        branch: "no-commit-sha",
        sidecar: (c) => {
          c.env = (c.env ?? []).filter((e) => e.name !== "CI_COMMIT_SHA");
        },
      });
      const name = js.metadata.name;
      await setGitState(name, { clean: false });
      const before = gitlabBranches();
      expect((await api.stop(name)).status).toBe(204);
      expect((await events(name)).join("\n")).toContain("KeyError: 'CI_COMMIT_SHA'");
      expect(gitlabBranches()).toEqual(before);
      // The autosave's `finally` called /shutdown: no grace period to wait out.
      expect((await api.get(name)).status).toBe(404);
    });
  });
});

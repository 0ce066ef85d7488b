/**
 * A session's whole life through the real endpoints, with the simulated Amalthea advanced one
 * reconcile pass at a time: starting (step by step) -> running -> logs -> hibernate -> resume
 * (fresh tokens) -> stop. Registered and anonymous callers, once for each backend.
 */
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { main as createServer } from "../../../functions/servers/create.js";
import { imagePullSecretName } from "../../../lib/backends/pod/pull-secret.js";
import { backendStack } from "../../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { invoke } from "../../helpers/events.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "./api.js";
import { HELLO, launch } from "./launch.js";

const REGISTERED_STEPS = [
  "Initialization",
  "Downloading server image",
  "Cloning and configuring the repository",
  "Git credentials services",
  "Authentication and proxying services",
  "Auxiliary session services",
  "Starting session",
];
const ANONYMOUS_STEPS = [
  "Initialization",
  "Downloading server image",
  "Cloning and configuring the repository",
  "Git credentials services",
  "Proxying services",
  "Starting session",
];
const RFC3339_LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z /;

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  const stack = backendStack(kit, { timing: "manual" });

  type Status = {
    state: string;
    message?: string;
    details: { step: string; status: string }[];
    totalNumContainers: number;
    readyNumContainers: number;
  };

  /** Advances the simulation pass by pass, collecting the API status after each, until running. */
  async function startUp(api: ReturnType<typeof sessionsApi>, name: string): Promise<Status[]> {
    const seen: Status[] = [];
    for (let pass = 0; pass < 30; pass++) {
      await stack.cluster.amalthea.advance("renku", name);
      const r = await api.get(name);
      expect(r.status).toBe(200);
      seen.push(r.json.status);
      if (r.json.status.state !== "starting") break;
    }
    return seen;
  }

  /** What a caller checks in the status of a starting session: names, counts, message. */
  function expectConsistentStarting(status: Status, steps: string[]) {
    expect(status.state).toBe("starting");
    expect(status.details.map((d) => d.step)).toEqual(steps);
    const ready = status.details.filter((d) => d.status === "ready");
    expect(status.readyNumContainers).toBe(ready.length);
    expect(status.totalNumContainers).toBe(steps.length);
    const notReady = status.details.filter((d) => d.status !== "ready").map((d) => d.step);
    expect(status.message).toBe(
      `Steps with non-ready statuses: ${notReady.map((s) => s.toLowerCase()).join(", ")}.`,
    );
  }

  describe("a registered user's session, step by step", () => {
    const alice = registeredHeaders({ username: "alice" });
    const api = sessionsApi(alice);
    let name: string;

    it("starts with every step waiting, before the operator has seen it", async () => {
      name = (await launch(stack, { headers: alice, privateImage: true })).metadata.name;
      const r = await api.get(name);
      expect(r.status).toBe(200);
      expect(r.json.name).toBe(name);
      expectConsistentStarting(r.json.status, REGISTERED_STEPS);
      expect(r.json.status.details.every((d: { status: string }) => d.status === "waiting")).toBe(
        true,
      );
      expect(r.json.state).toEqual({ pod_name: null });
      expect(r.json.url).toBe(`https://sessions.example.org/sessions/${name}`);
      expect(r.json.annotations["renku.io/default_image_used"]).toBe("False");
      expect(r.json.resources.requests).toEqual({ cpu: 0.5, memory: "1G", storage: "1G" });
    });

    it("moves through the steps in order until running", async () => {
      const seen = await startUp(api, name);
      const last = seen.at(-1) as Status;
      expect(last.state).toBe("running");
      const starting = seen.filter((s) => s.state === "starting");
      for (const s of starting) expectConsistentStarting(s, REGISTERED_STEPS);
      // Ready counts never go back while starting up, and every step was seen executing.
      const counts = starting.map((s) => s.readyNumContainers);
      expect([...counts].sort((a, b) => a - b)).toEqual(counts);
      for (const step of REGISTERED_STEPS) {
        expect(
          starting.some((s) => s.details.some((d) => d.step === step && d.status === "executing")),
          step,
        ).toBe(true);
      }
      // Init steps complete one after another before any regular container runs.
      const cloneExecuting = starting.find((s) =>
        s.details.some((d) => d.step === REGISTERED_STEPS[2] && d.status === "executing"),
      );
      expect(cloneExecuting?.details.slice(0, 2).map((d) => d.status)).toEqual(["ready", "ready"]);
      expect(cloneExecuting?.details.slice(3).every((d) => d.status === "waiting")).toBe(true);
      expect(last).toMatchObject({ totalNumContainers: 7, readyNumContainers: 7, warnings: [] });
      expect(last.message).toBeUndefined();
    });

    it("shows as running in GET and in the list, with its pod", async () => {
      const r = await api.get(name);
      expect(r.json.status.state).toBe("running");
      expect(r.json.state.pod_name).toBe(`${name}-0`);
      const list = await api.list();
      expect(list.status).toBe(200);
      expect(Object.keys(list.json.servers)).toEqual([name]);
      expect(list.json.servers[name]).toEqual(r.json);
    });

    it("reads the logs of every container, keyed by container, timestamped", async () => {
      const r = await api.logs(name);
      expect(r.status).toBe(200);
      expect(Object.keys(r.json).sort()).toEqual(kit.logContainers("registered").sort());
      for (const text of Object.values(r.json) as string[]) {
        for (const line of text.trimEnd().split("\n")) expect(line).toMatch(RFC3339_LINE);
      }
      expect(r.json[kit.sessionContainer]).toContain("Jupyter Server is running");
      const one = await api.logs(name, { max_lines: "1" });
      for (const text of Object.values(one.json) as string[]) {
        expect(text.trimEnd().split("\n")).toHaveLength(1);
      }
      expect((await api.logs(name, { max_lines: "0" })).json).toEqual({});
    });

    it("hibernates: the sidecar's git state in the annotations, hibernated state, then an empty log", async () => {
      const before = Date.now();
      const r = await api.patch(name, { state: "hibernated" });
      expect(r.status).toBe(200);
      const a = r.json.annotations;
      expect(Date.parse(a["renku.io/hibernationDate"])).toBeGreaterThanOrEqual(
        Math.floor(before / 1000) * 1000,
      );
      // The sidecar answered git/get_status (JupyterServer: through its rpc-server Service;
      // AmaltheaSession: through the pod proxy): a clean checkout of master at the launch commit.
      const git = { branch: "master", commit: HELLO.master, synchronized: true };
      expect(a["renku.io/hibernationBranch"]).toBe(git.branch);
      expect(a["renku.io/hibernationDirty"]).toBe("false");
      expect(JSON.parse(a["renku.io/hibernation"])).toMatchObject({
        ...git,
        dirty: false,
        date: a["renku.io/hibernationDate"],
      });
      expect((await kit.stored(stack.deps, name))?.hibernated).toBe(true);

      await stack.cluster.amalthea.settle();
      const g = await api.get(name);
      expect(g.json.status.state).toBe("hibernated");
      expect(g.json.status.details.every((d: { status: string }) => d.status === "waiting")).toBe(
        true,
      );
      expect((await api.logs(name)).json).toEqual({});
    });

    it("hibernating again changes nothing", async () => {
      const writes = () =>
        stack.cluster.requests.filter((q) => q.verb === "patch" && q.name === name).length;
      const patchesBefore = writes();
      const r = await api.patch(name, { state: "hibernated" });
      expect(r.status).toBe(200);
      expect(r.json.status.state).toBe("hibernated");
      expect(writes()).toBe(patchesBefore);
    });

    it("resumes with fresh tokens in the containers' env and the pull secret", async () => {
      const fresh = registeredHeaders({
        username: "alice",
        accessToken: "access-alice-fresh",
        gitToken: "glpat-alice-fresh",
      });
      const r = await sessionsApi(fresh).patch(name, { state: "running" });
      expect(r.status).toBe(200);
      const repo = stack.deps.k8s;
      const stored = await kit.stored(stack.deps, name);
      const proxy = (await stored?.env("git-proxy")) ?? {};
      const clone = (await stored?.env("git-clone")) ?? {};
      expect(proxy.RENKU_ACCESS_TOKEN).toBe("access-alice-fresh");
      expect(proxy.GITLAB_OAUTH_TOKEN).toBe("glpat-alice-fresh");
      expect(clone.GIT_CLONE_USER__RENKU_TOKEN).toBeUndefined();
      expect(clone.GIT_CLONE_USER__OAUTH_TOKEN).toBe("glpat-alice-fresh");
      const secret = await repo.getSecret(imagePullSecretName(name));
      const docker = JSON.parse(
        Buffer.from(secret?.data?.[".dockerconfigjson"] ?? "", "base64").toString("utf8"),
      );
      expect(Object.values(docker.auths).map((e) => (e as { Password: string }).Password)).toEqual([
        "glpat-alice-fresh",
      ]);
      // The new tokens never show in the answer.
      expect(r.text).not.toContain("fresh");
    });

    it("starts up again after the resume and clears the hibernation", async () => {
      const seen = await startUp(sessionsApi(alice), name);
      expect(seen.some((s) => s.state === "starting")).toBe(true);
      expect(seen.at(-1)?.state).toBe("running");
      const r = await api.get(name);
      expect(r.json.annotations["renku.io/hibernationDate"] ?? "").toBe("");
    });

    it("stops: 204, then stopping, then gone", async () => {
      const r = await api.stop(name);
      expect(r.status).toBe(204);
      expect(r.text).toBe("");
      const g = await api.get(name);
      expect(g.status).toBe(200);
      expect(g.json.status.state).toBe("stopping");
      await stack.cluster.amalthea.settle();
      const after = await api.get(name);
      expect(after.status).toBe(404);
      expect(after.json.error).toEqual({
        code: 1404,
        message: `The server ${name} does not exist.`,
      });
      expect((await api.list()).json).toEqual({ servers: {} });
    });
  });

  describe("an anonymous user's session", () => {
    const anon = anonHeaders("anon-lifecycle1");
    const api = sessionsApi(anon);
    let name: string;

    it("starts through POST with the anonymous steps and a tokenised URL", async () => {
      const created = await invoke(createServer, {
        method: "POST",
        path: "/notebooks/servers",
        headers: anon,
        body: { namespace: "renku-demo", project: "hello-world", commit_sha: HELLO.master },
      });
      expect(created.status).toBe(201);
      name = created.json.name;
      expect(name.startsWith("anon-")).toBe(true);
      const first = await api.get(name);
      expect(first.json).toEqual(created.json);
      expectConsistentStarting(first.json.status, ANONYMOUS_STEPS);
      // Jupyter's token auth: the anonymous id is the token (section 4).
      expect(first.json.url).toBe(
        `https://sessions.example.org/sessions/${name}?token=anon-lifecycle1`,
      );
      const seen = await startUp(api, name);
      expect(seen.at(-1)?.state).toBe("running");
      expect(seen.at(-1)?.readyNumContainers).toBe(6);
    });

    it("reads its logs but may not patch", async () => {
      const logs = await api.logs(name);
      expect(Object.keys(logs.json).sort()).toEqual(kit.logContainers("anonymous").sort());
      const p = await api.patch(name, { state: "hibernated" });
      expect(p.status).toBe(422);
      expect(p.json.error).toEqual({
        code: 3007,
        message: "Cannot patch sessions of anonymous users.",
      });
      expect((await api.get(name)).json.status.state).toBe("running");
    });

    it("stops with forced=true", async () => {
      expect((await api.stop(name, { forced: "true" })).status).toBe(204);
      await stack.cluster.amalthea.settle();
      expect((await api.get(name)).status).toBe(404);
    });
  });
});

/**
 * The session life cycle over real HTTP through `serverless offline`: POST -> starting -> running
 * -> logs -> hibernate -> resume -> stop. The stand-ins (cluster stepping on its own, GitLab
 * double, registries) run in this process; the offline workers reach them over HTTP from the
 * stack's NB_* settings, as a deployment would reach the real ones. Once for each backend, each
 * with its own offline service and cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendStack } from "../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../helpers/backends.js";
import { BASE_ENV } from "../helpers/deps.js";
import { jsonCaller, type Offline, startOffline } from "../helpers/offline.js";
import { registeredHeaders } from "../helpers/users.js";
import { GIT_STATE_ANNOTATION } from "../local/cluster/index.js";
import "../../lib/adapters/k8s.js";

const HELLO_MASTER = "f1ea33570b1b86af316b85539c1b5d5c07949a82";
const alice = registeredHeaders({ username: "alice" });
const bob = registeredHeaders({ username: "bob" });

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  const stack = backendStack(kit, { timing: { stepMs: 100 } });
  let offline: Offline;

  beforeAll(async () => {
    // No Lambda timeouts: a function's first call (its cold start) may be slow on a busy machine.
    offline = await startOffline({ ...BASE_ENV, ...stack.env, NB_LOG_LEVEL: "warn" }, 280_000, {
      lambdaTimeouts: false,
    });
  }, 600_000);
  afterAll(async () => {
    await offline?.stop();
  });

  const call = jsonCaller(() => `${offline.url}/notebooks`);

  /** Polls GET until the state is `want` (or the session is gone when want is 404); returns the states seen. */
  async function waitFor(name: string, want: string): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < 300; i++) {
      const r = await call("GET", `/servers/${name}`, alice);
      const state = r.status === 404 ? "404" : r.json.status.state;
      if (seen.at(-1) !== state) seen.push(state);
      if (state === want) return seen;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${name} never reached ${want}; saw ${seen.join(" -> ")}`);
  }

  describe("a session's life over HTTP", () => {
    let name: string;

    it("POST creates the session (201) and it starts up step by step", async () => {
      const r = await call("POST", "/servers", alice, {
        namespace: "renku-demo",
        project: "hello-world",
        branch: "master",
        commit_sha: HELLO_MASTER,
      });
      expect(r.status).toBe(201);
      name = r.json.name;
      expect(r.json.status.state).toBe("starting");
      expect(r.json.status.message).toMatch(/^Steps with non-ready statuses: /);
      const seen = await waitFor(name, "running");
      expect(seen.at(-1)).toBe("running");
      expect(seen).not.toContain("failed");
    });

    it("POST again answers 200 with the same session", async () => {
      const r = await call("POST", "/servers", alice, {
        namespace: "renku-demo",
        project: "hello-world",
        commit_sha: HELLO_MASTER,
      });
      expect(r.status).toBe(200);
      expect(r.json.name).toBe(name);
    });

    it("lists it for its owner only; another user gets 404 on every endpoint", async () => {
      const mine = await call("GET", "/servers?project=hello-world", alice);
      expect(Object.keys(mine.json.servers)).toEqual([name]);
      expect((await call("GET", "/servers", bob)).json).toEqual({ servers: {} });
      for (const [method, path, body] of [
        ["GET", `/servers/${name}`],
        ["DELETE", `/servers/${name}`],
        ["PATCH", `/servers/${name}`, { state: "hibernated" }],
        ["GET", `/logs/${name}`],
      ] as const) {
        const r = await call(method, path, bob, body);
        expect(r.status, `${method} ${path}: ${r.text}`).toBe(404);
      }
      expect((await call("GET", `/servers/${name}`, alice)).json.status.state).toBe("running");
    });

    it("reads the logs keyed by container", async () => {
      const r = await call("GET", `/logs/${name}?max_lines=5`, alice);
      expect(r.status, r.text).toBe(200);
      expect(r.json[kit.sessionContainer]).toContain("Jupyter Server is running");
      expect(Object.keys(r.json)).toContain("git-clone");
    });

    it("hibernates and resumes", async () => {
      const h = await call("PATCH", `/servers/${name}`, alice, { state: "hibernated" });
      expect(h.status, h.text).toBe(200);
      expect(h.json.annotations["renku.io/hibernationDate"]).not.toBe("");
      await waitFor(name, "hibernated");
      const r = await call("PATCH", `/servers/${name}`, alice, { state: "running" });
      expect(r.status).toBe(200);
      const seen = await waitFor(name, "running");
      expect(seen.at(-1)).toBe("running");
    });

    it("stops: 204, then the session goes away", async () => {
      const r = await call("DELETE", `/servers/${name}`, alice);
      expect(r.status).toBe(204);
      expect(r.text).toBe("");
      const seen = await waitFor(name, "404");
      expect(seen.at(-1)).toBe("404");
      expect((await call("GET", "/servers", alice)).json).toEqual({ servers: {} });
    });
  });

  // The git side (dirty tree, preStop autosave, restore) is simulated for both kinds
  // (docs/local-cluster.md).
  describe("the autosave cycle over HTTP", () => {
    const branch = `renku/autosave/alice/master/${HELLO_MASTER.slice(0, 7)}/${HELLO_MASTER.slice(0, 7)}`;
    const launch = () =>
      call("POST", "/servers", alice, {
        namespace: "renku-demo",
        project: "hello-world",
        commit_sha: HELLO_MASTER,
      });
    const branches = () => [...(stack.gitlab.state.project(1001)?.branches.keys() ?? [])];
    let name: string;

    it("unsaved work is pushed as an autosave branch when the session stops, at once", async () => {
      const r = await launch();
      expect(r.status, r.text).toBe(201);
      name = r.json.name;
      await waitFor(name, "running");
      // The user edits a notebook: the simulated working tree becomes dirty.
      await kit.patchMerge(stack.deps, name, {
        metadata: { annotations: { [GIT_STATE_ANNOTATION]: JSON.stringify({ clean: false }) } },
      });
      expect((await call("DELETE", `/servers/${name}`, alice)).status).toBe(204);
      // waitFor gives up after ~30 s: a stop held for the proxy's 600 s grace period would fail here.
      await waitFor(name, "404");
      expect(branches()).toContain(branch);
    });

    it("is listed by GET autosave", async () => {
      const r = await call("GET", "/renku-demo%2Fhello-world/autosave", alice);
      expect(r.status, r.text).toBe(200);
      expect(r.json.autosaves).toContainEqual(
        expect.objectContaining({
          name: branch,
          branch: "master",
          commit: HELLO_MASTER.slice(0, 7),
        }),
      );
    });

    it("is restored by the next launch, as git-clone's log shows, and leaves GitLab", async () => {
      const r = await launch();
      expect(r.status, r.text).toBe(201);
      await waitFor(name, "running");
      const logs = await call("GET", `/logs/${name}`, alice);
      expect(logs.json["git-clone"]).toContain(`Autosave found origin/${branch}`);
      expect(branches()).not.toContain(branch);
      expect((await call("DELETE", `/servers/${name}?forced=true`, alice)).status).toBe(204);
      await waitFor(name, "404");
    });
  });
});

/**
 * A cluster in migration (NB_AMALTHEA__BACKEND=both): a user's session from before the switch is a
 * JupyterServer, a new one is an AmaltheaSession. The API shows both in one list, each answers
 * GET and its logs, and each one stops through DELETE, whichever kind holds it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jupyterServerBackend } from "../../../lib/backends/jupyterserver/backend.js";
import { amaltheaSessions } from "../../helpers/backends.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "./api.js";
import { CLIMATE, launch } from "./launch.js";

const erin = registeredHeaders({ username: "erin" });
const api = sessionsApi(erin);
let stack: SessionStack;
let old: string;
let fresh: string;

beforeAll(async () => {
  stack = await startSessionStack({ timing: "instant", env: { NB_AMALTHEA__BACKEND: "both" } });
  // Before the switch: the JupyterServer backend made this one.
  const legacy = jupyterServerBackend(stack.deps.k8s, stack.deps.config, stack.deps.log);
  old = (await launch({ ...stack, deps: { ...stack.deps, sessions: legacy } }, { headers: erin }))
    .metadata.name;
  // After it: new sessions are AmaltheaSessions.
  fresh = (
    await launch(stack, {
      headers: erin,
      project: { id: CLIMATE.id, path: CLIMATE.path },
      branch: "main",
      commitSha: CLIMATE.main,
    })
  ).metadata.name;
});
afterAll(async () => {
  await stack?.stop();
});

describe("both backends side by side", () => {
  it("made each session in its own kind", async () => {
    expect(await stack.deps.k8s.get(old)).toBeDefined();
    expect(await amaltheaSessions(stack.deps).get(old)).toBeUndefined();
    expect(await amaltheaSessions(stack.deps).get(fresh)).toBeDefined();
    expect(await stack.deps.k8s.get(fresh)).toBeUndefined();
  });

  it("lists both, running, in one answer with unique names", async () => {
    const r = await api.list();
    expect(r.status).toBe(200);
    expect(Object.keys(r.json.servers).sort()).toEqual([old, fresh].sort());
    for (const name of [old, fresh]) {
      expect(r.json.servers[name].status.state).toBe("running");
      expect(r.json.servers[name]).toEqual((await api.get(name)).json);
    }
    // The filters work across kinds.
    const climate = await api.list({ project: "climate-model" });
    expect(Object.keys(climate.json.servers)).toEqual([fresh]);
  });

  it("reads the logs of each", async () => {
    expect(Object.keys((await api.logs(old)).json)).toContain("jupyter-server");
    expect(Object.keys((await api.logs(fresh)).json)).toContain("amalthea-session");
  });

  it("hibernates the new one through PATCH", async () => {
    const r = await api.patch(fresh, { state: "hibernated" });
    expect(r.status).toBe(200);
    expect((await amaltheaSessions(stack.deps).get(fresh))?.spec.hibernated).toBe(true);
  });

  it("stops each one through DELETE", async () => {
    expect((await api.stop(old)).status).toBe(204);
    expect((await api.stop(fresh)).status).toBe(204);
    await stack.cluster.amalthea.settle();
    expect((await api.get(old)).status).toBe(404);
    expect((await api.get(fresh)).status).toBe(404);
    expect((await api.list()).json).toEqual({ servers: {} });
    expect(await stack.deps.k8s.list()).toEqual([]);
    expect(await amaltheaSessions(stack.deps).list()).toEqual([]);
    // The AmaltheaSession's adopted auth Secret went with it.
    expect(await stack.deps.k8s.getSecret(fresh)).toBeUndefined();
  });
});

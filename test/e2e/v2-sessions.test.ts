/**
 * The v2 sessions API's "done when" list over real HTTP through `serverless offline`, with the
 * stand-ins of `npm start` (cluster stepping on its own, GitLab double, registry, data-services
 * double) in this process: list 200 (an array; [] unauthenticated), a missing session 404 code
 * 1404 and its DELETE 204, POST {} 422 code 1422, the image check 200 accessible true/false, POST
 * of a seeded launcher 201 then 200, reaching running, PATCH hibernate/resume/lastInteraction, logs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_ENV } from "../helpers/deps.js";
import { jsonCaller, type Offline, startOffline } from "../helpers/offline.js";
import { type SessionStack, startSessionStack } from "../helpers/stack.js";
import { v2Headers } from "../helpers/v2-users.js";

const alice = v2Headers("alice");
const LAUNCHER = "01JDV2SES00000000000000001";
let stack: SessionStack;
let offline: Offline;

const call = jsonCaller(() => `${offline.url}/api/data`);

async function waitFor(name: string, want: string): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 300; i++) {
    const state = (await call("GET", `/sessions/${name}`, alice)).json?.status?.state;
    if (seen.at(-1) !== state) seen.push(state);
    if (state === want) return seen;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} never reached ${want}; saw ${seen.join(" -> ")}`);
}

beforeAll(async () => {
  stack = await startSessionStack({
    timing: { stepMs: 100 },
    env: {
      NB_AMALTHEA__BACKEND: "amaltheasession",
      NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET: "local-git-proxy-secret",
    },
  });
  // No Lambda timeouts: a function's first call (its cold start) may be slow on a busy machine.
  offline = await startOffline({ ...BASE_ENV, ...stack.env, NB_LOG_LEVEL: "warn" }, 280_000, {
    lambdaTimeouts: false,
  });
}, 600_000);
afterAll(async () => {
  await offline?.stop();
  await stack?.stop();
});

describe("the v2 sessions API through serverless offline", () => {
  it("lists 200 with an array, and 200 [] for an unauthenticated caller", async () => {
    const mine = await call("GET", "/sessions", alice);
    expect(mine.status).toBe(200);
    expect(Array.isArray(mine.json)).toBe(true);
    expect(await call("GET", "/sessions")).toMatchObject({ status: 200, json: [] });
  });

  it("answers a missing session 404 code 1404 on GET and 204 on DELETE", async () => {
    const r = await call("GET", "/sessions/nobody-0123456789ab", alice);
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe(1404);
    expect((await call("DELETE", "/sessions/nobody-0123456789ab", alice)).status).toBe(204);
  });

  it("answers POST {} with 422 code 1422", async () => {
    const r = await call("POST", "/sessions", alice, {});
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe(1422);
  });

  it("checks images: 200 accessible true, 200 accessible false", async () => {
    const there = await call(
      "GET",
      `/sessions/images?image_url=${encodeURIComponent(`${stack.registryHost}/renku/singleuser:latest`)}`,
      alice,
    );
    expect(there).toMatchObject({ status: 200, json: { accessible: true } });
    const missing = await call(
      "GET",
      `/sessions/images?image_url=${encodeURIComponent(`${stack.registryHost}/renku/none:1`)}`,
    );
    expect(missing).toMatchObject({ status: 200, json: { accessible: false } });
  });

  let name = "";
  it("POSTs a seeded launcher: 201, then 200, and the session reaches running", async () => {
    const first = await call("POST", "/sessions", alice, { launcher_id: LAUNCHER });
    expect(first.status, first.text).toBe(201);
    // The answer's state, not a poll's first sight: a busy machine may poll after the start.
    expect(first.json.status.state).toBe("starting");
    name = first.json.name;
    const again = await call("POST", "/sessions", alice, { launcher_id: LAUNCHER });
    expect([again.status, again.json.name]).toEqual([200, name]);
    const seen = await waitFor(name, "running");
    expect(seen).not.toContain("failed");
  }, 120_000);

  it("serves its logs", async () => {
    const r = await call("GET", `/sessions/${name}/logs?max_lines=20`, alice);
    expect(r.status).toBe(200);
    expect(r.json["amalthea-session"]).toBeTypeOf("string");
  });

  it("PATCH sets lastInteraction, hibernates and resumes", async () => {
    const touched = await call("PATCH", `/sessions/${name}`, alice, { lastInteraction: "now" });
    expect(touched.status).toBe(200);
    expect(touched.json.lastInteraction).toMatch(/Z$/);
    expect((await call("PATCH", `/sessions/${name}`, alice, { state: "hibernated" })).status).toBe(
      200,
    );
    await waitFor(name, "hibernated");
    expect((await call("PATCH", `/sessions/${name}`, alice, { state: "running" })).status).toBe(
      200,
    );
    await waitFor(name, "running");
  }, 120_000);

  it("routes each path with a trailing slash too, as data-services does", async () => {
    const listed = await call("GET", "/sessions/", alice);
    expect(listed.status).toBe(200);
    expect(listed.json.map((x: { name: string }) => x.name)).toContain(name);
    expect(await call("GET", `/sessions/${name}/`, alice)).toMatchObject({
      status: 200,
      json: { name, launcher_id: LAUNCHER },
    });
    const logs = await call("GET", `/sessions/${name}/logs/?max_lines=5`, alice);
    expect(logs.status).toBe(200);
    expect(logs.json["amalthea-session"]).toBeTypeOf("string");
    const image = `${stack.registryHost}/renku/singleuser:latest`;
    expect(
      await call("GET", `/sessions/images/?image_url=${encodeURIComponent(image)}`, alice),
    ).toMatchObject({ status: 200, json: { accessible: true } });
    const again = await call("POST", "/sessions/", alice, { launcher_id: LAUNCHER });
    expect([again.status, again.json.name]).toEqual([200, name]);
    const touched = await call("PATCH", `/sessions/${name}/`, alice, { lastInteraction: "now" });
    expect([touched.status, touched.json.name]).toEqual([200, name]);
    const refused = await call("PUT", "/sessions/", alice);
    expect([refused.status, refused.json.error.code]).toEqual([405, 1405]);
    expect((await call("DELETE", "/sessions/nobody-0123456789ab/", alice)).status).toBe(204);
  }, 60_000);

  it("DELETE stops it", async () => {
    expect((await call("DELETE", `/sessions/${name}`, alice)).status).toBe(204);
    for (let i = 0; i < 100; i++) {
      if ((await call("GET", `/sessions/${name}`, alice)).status === 404) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("the session was not removed");
  });
});

/**
 * Issue 24: the events of a session through the real endpoints, on both backends. A session's
 * own objects stay named in its event messages even when their names are as long as a token (every
 * anonymous session's name is), and an event belongs to the session by its object's uid: the
 * events of the session that held a name before never show under the session that reuses it.
 */
import { describe, expect, it } from "vitest";
import { main as createServer } from "../../../functions/servers/create.js";
import { backendStack } from "../../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { invoke } from "../../helpers/events.js";
import { anonHeaders } from "../../helpers/users.js";
import { sessionsApi } from "./api.js";
import { HELLO } from "./launch.js";

interface Ev {
  reason: string;
  message: string;
  object: { kind: string; name: string };
}

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  const stack = backendStack(kit, { timing: "manual" });

  const post = (headers: Record<string, string>) =>
    invoke(createServer, {
      method: "POST",
      path: "/notebooks/servers",
      headers,
      body: { namespace: "renku-demo", project: "hello-world", commit_sha: HELLO.master },
    });
  const eventsOf = async (api: ReturnType<typeof sessionsApi>, name: string) => {
    const r = await api.events(name);
    expect(r.status).toBe(200);
    return r.json.events as Ev[];
  };

  // Two anonymous ids that escape to one safe username, so they derive one session name.
  const first = anonHeaders("anonevents0123");
  const second = anonHeaders("ANONEVENTS0123");
  let name: string;

  it("a running session's events name its own pod and StatefulSet", async () => {
    const created = await post(first);
    expect(created.status).toBe(201);
    name = created.json.name;
    expect(name.length).toBeGreaterThanOrEqual(32);
    const api = sessionsApi(first);
    for (let pass = 0; pass < 30; pass++) {
      await stack.cluster.amalthea.advance("renku", name);
      if ((await api.get(name)).json.status.state !== "starting") break;
    }
    expect((await api.get(name)).json.status.state).toBe("running");
    const events = await eventsOf(api, name);
    const messages = events.map((e) => e.message);
    expect(messages).toContain(`create Pod ${name}-0 in StatefulSet ${name} successful`);
    expect(messages.filter((m) => m.startsWith("Successfully assigned "))).toEqual([
      expect.stringMatching(new RegExp(`^Successfully assigned renku/${name}-0 to \\S+$`)),
    ]);
    expect(messages.join("\n")).not.toContain("[redacted]");
    expect(events.find((e) => e.reason === "SuccessfulCreate")?.object).toEqual({
      kind: "StatefulSet",
      name,
    });
  });

  it("the session that reuses the name never shows the previous session's events", async () => {
    const api = sessionsApi(first);
    expect((await api.stop(name, { forced: "true" })).status).toBe(204);
    await stack.cluster.amalthea.settle();
    expect((await api.get(name)).status).toBe(404);
    // The previous session's events are still in the cluster (an hour's TTL on a real one).
    expect((await stack.deps.k8s.listEvents(`${name}-0`)).length).toBeGreaterThan(0);

    const again = await post(second);
    expect(again.status).toBe(201);
    expect(again.json.name).toBe(name);
    const other = sessionsApi(second);
    expect(await eventsOf(other, name)).toEqual([]);
    for (let pass = 0; pass < 30; pass++) {
      await stack.cluster.amalthea.advance("renku", name);
      if ((await other.get(name)).json.status.state !== "starting") break;
    }
    const events = await eventsOf(other, name);
    // One pod, one StatefulSet: each event of the new session's objects appears once.
    expect(events.filter((e) => e.reason === "Scheduled")).toHaveLength(1);
  });
});

/**
 * GET /servers/{name}/events: what a user waiting on a launch sees of the cluster, from the
 * simulated Amalthea's events: a normal start, an unschedulable session and a crash loop, polled
 * with the `since` cursor.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "./api.js";
import { launch } from "./launch.js";

interface Ev {
  time: string;
  type: string;
  reason: string;
  message: string;
  count: number;
  object: { kind: string; name: string };
  step: string | null;
}
interface Answer {
  events: Ev[];
  next_since: string | null;
}

const erin = registeredHeaders({ username: "erin" });
const api = sessionsApi(erin);
let stack: SessionStack;

beforeAll(async () => {
  stack = await startSessionStack({ timing: "manual" });
});
afterAll(async () => {
  await stack?.stop();
});

const events = async (name: string, since?: string) => {
  const r = await api.events(name, since);
  expect(r.status).toBe(200);
  return r.json as Answer;
};

describe("session events", () => {
  it("shows a normal start step by step, oldest first, and `since` returns only what is new", async () => {
    const js = await launch(stack, { headers: erin, branch: "events-normal" });
    const name = js.metadata.name;
    const first = await events(name);
    expect(first).toEqual({ events: [], next_since: null });

    // Poll while the cluster moves one reconcile pass at a time, as a UI would.
    const seen: Ev[] = [];
    let since: string | undefined;
    for (let i = 0; i < 40; i++) {
      await stack.cluster.amalthea.advance();
      const page = await events(name, since);
      seen.push(...page.events);
      if (page.next_since) since = page.next_since;
    }
    const all = await events(name);
    // Polling with the cursor saw every event; the only ones it saw more than once are repeats,
    // which come again with a higher count (as the StatefulSet's SuccessfulCreate here).
    for (const e of all.events) expect(seen).toContainEqual(e);
    for (const e of seen.filter(
      (s) => !all.events.some((a) => JSON.stringify(a) === JSON.stringify(s)),
    ))
      expect(
        all.events.some(
          (a) => a.reason === e.reason && a.message === e.message && a.count > e.count,
        ),
      ).toBe(true);
    expect((await events(name, all.next_since ?? undefined)).events).toEqual([]);

    const reasons = all.events.map((e) => e.reason);
    expect(reasons).toContain("SuccessfulCreate");
    for (const r of ["Scheduled", "Pulling", "Pulled", "Created", "Started"])
      expect(reasons).toContain(r);
    expect(reasons.indexOf("Scheduled")).toBeLessThan(reasons.indexOf("Pulling"));
    const times = all.events.map((e) => Date.parse(e.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const pulled = all.events.find(
      (e) => e.reason === "Pulled" && e.message.includes("Image size"),
    );
    expect(pulled?.message).toMatch(
      /^Successfully pulled image ".+" in [\d.]+s .*Image size: \d+ bytes\.$/,
    );
    expect(pulled?.step).toBe("Starting session");
    expect(pulled?.object).toEqual({ kind: "Pod", name: `${name}-0` });
    const clone = all.events.find((e) => e.reason === "Started" && e.step?.startsWith("Cloning"));
    expect(clone?.step).toBe("Cloning and configuring the repository");
    expect(all.events.find((e) => e.reason === "Scheduled")?.step).toBeNull();
    expect(all.events.find((e) => e.reason === "SuccessfulCreate")?.object.kind).toBe(
      "StatefulSet",
    );
  });

  it("says why an unschedulable session waits", async () => {
    const js = await launch(stack, {
      headers: erin,
      branch: "events-unschedulable",
      fault: "unschedulable",
    });
    await stack.cluster.amalthea.settle();
    const all = await events(js.metadata.name);
    const failed = all.events.filter((e) => e.reason === "FailedScheduling");
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) {
      expect(e).toMatchObject({ type: "Warning", step: null, object: { kind: "Pod" } });
      expect(e.message).toMatch(/nodes are available: .*Insufficient cpu/);
    }
    expect(all.events.map((e) => e.reason)).not.toContain("Scheduled");
  });

  it("shows a crash loop as one BackOff event whose count grows", async () => {
    const js = await launch(stack, {
      headers: erin,
      branch: "events-crashloop",
      fault: "crashloop",
    });
    const name = js.metadata.name;
    let backOff: Ev | undefined;
    let since: string | undefined;
    const counts: number[] = [];
    for (let i = 0; i < 40; i++) {
      await stack.cluster.amalthea.advance();
      const page = await events(name, since);
      if (page.next_since) since = page.next_since;
      const b = page.events.find((e) => e.reason === "BackOff");
      if (b) {
        backOff = b;
        counts.push(b.count);
      }
    }
    expect(backOff).toMatchObject({
      type: "Warning",
      message: "Back-off restarting failed container",
      step: "Starting session",
    });
    // A repeat moves the event past the cursor: each poll that saw it saw a higher count.
    expect(counts.length).toBeGreaterThan(1);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    expect(new Set(counts).size).toBe(counts.length);
    const all = await events(name);
    expect(all.events.filter((e) => e.reason === "BackOff")).toHaveLength(1);
  });

  it("answers 404 for a missing session and 422 for a malformed cursor", async () => {
    const missing = await api.events("erin-no-such-session");
    expect(missing.status).toBe(404);
    const js = await launch(stack, { headers: erin, branch: "events-cursor" });
    const bad = await api.events(js.metadata.name, "yesterday");
    expect(bad.status).toBe(422);
  });
});

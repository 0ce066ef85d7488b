/**
 * The pure parts of issue 23's stop autosave (D24) and refusal warnings: the autosave RPC's
 * outcomes, the hand-off event's guard, and which event becomes which warning.
 */
import type { CoreV1Event } from "@kubernetes/client-node/dist/gen/index.js";
import { describe, expect, it } from "vitest";
import { isStopEvent } from "../../../../lib/autosave/stop-hand-off.js";
import { AUTOSAVE_REQUEST, askAutosave } from "../../../../lib/backends/pod/autosave-rpc.js";
import {
  labelIn,
  REFUSAL_EVENTS,
  readRefusals,
  refusalWarning,
  STS_MISSING,
} from "../../../../lib/backends/pod/refusal.js";

describe("the sidecar's autosave/create", () => {
  it("asks once with the deadline and reads the pushed branch, or null as nothing to save", async () => {
    const asked: unknown[] = [];
    const outcome = await askAutosave(async (body, ms) => {
      asked.push(body, ms);
      return { jsonrpc: "2.0", id: 0, result: "renku/autosave/bob/master/f1ea335/f1ea335" };
    }, 300_000);
    expect(asked).toEqual([AUTOSAVE_REQUEST, 300_000]);
    expect(AUTOSAVE_REQUEST).toEqual({ jsonrpc: "2.0", id: 0, method: "autosave/create" });
    expect(outcome).toEqual({ saved: "renku/autosave/bob/master/f1ea335/f1ea335" });
    expect(await askAutosave(async () => ({ result: null }), 1000)).toEqual({ saved: "" });
  });

  it("tells a deadline from an unreachable sidecar and a refusal, and never throws", async () => {
    const timeout = Object.assign(new Error("aborted"), { name: "AbortError" });
    expect(await askAutosave(() => Promise.reject(timeout), 1000)).toMatchObject({
      failed: "deadline",
    });
    const cut = Object.assign(new Error("connection refused"), { code: "ECONNREFUSED" });
    expect(await askAutosave(() => Promise.reject(cut), 1000)).toMatchObject({
      failed: "unreachable",
    });
    expect(
      await askAutosave(
        async () => ({ error: { code: -32000, message: "fatal: push refused" } }),
        1,
      ),
    ).toEqual({ failed: "refused", detail: "fatal: push refused" });
    expect(await askAutosave(async () => "<html>", 1)).toEqual({
      failed: "refused",
      detail: "a malformed JSON-RPC answer",
    });
  });
});

describe("the stop's hand-off event", () => {
  it("names a session and one of the two actions, nothing else", () => {
    expect(isStopEvent({ stopSession: { name: "bob-hello-1a2b", action: "delete" } })).toBe(true);
    expect(isStopEvent({ stopSession: { name: "bob-hello-1a2b", action: "hibernate" } })).toBe(
      true,
    );
    expect(isStopEvent({ stopSession: { name: "bob-hello-1a2b", action: "resume" } })).toBe(false);
    expect(isStopEvent({ stopSession: { name: "../etc", action: "delete" } })).toBe(false);
    expect(isStopEvent({ launchCleanup: { projectId: 1 } })).toBe(false);
    expect(isStopEvent(undefined)).toBe(false);
  });
});

describe("refusal warnings", () => {
  const event = (over: Partial<CoreV1Event>): CoreV1Event =>
    ({ involvedObject: {}, metadata: {}, ...over }) as CoreV1Event;
  const base = { resourceUid: "cr-uid", statefulSetUid: "sts-uid", statefulSetMissing: false };

  it("the StatefulSet's newest FailedCreate: the pod refused, in the API server's words", () => {
    const failed = (message: string, at: string) =>
      event({
        involvedObject: { uid: "sts-uid", kind: "StatefulSet" },
        reason: "FailedCreate",
        message: `create Pod s-0 in StatefulSet s failed error: ${message}`,
        lastTimestamp: new Date(at),
      });
    const w = refusalWarning({
      ...base,
      events: [
        failed("older", "2026-01-01T00:00:00Z"),
        failed(
          'pods "s-0" is forbidden: no PriorityClass with name x was found',
          "2026-01-01T00:01:00Z",
        ),
      ],
    });
    expect(w).toEqual({
      message:
        'The cluster refused to create the session\'s pod: pods "s-0" is forbidden: no PriorityClass with name x was found',
      critical: true,
    });
  });

  it("kopf's create_fn error: the Status message it carries", () => {
    const status = { kind: "Status", message: 'StatefulSet.apps "s" is invalid: bad', code: 422 };
    const w = refusalWarning({
      ...base,
      statefulSetUid: undefined,
      events: [
        event({
          involvedObject: { uid: "cr-uid" },
          type: "Error",
          reason: "Logging",
          message: `Handler 'create_fn' failed with an exception. Will retry.\nX: 422\nHTTP response body: ${JSON.stringify(status)}`,
        }),
      ],
    });
    expect(w?.message).toBe(
      'The cluster refused to create the session: StatefulSet.apps "s" is invalid: bad',
    );
  });

  it("another object's events, or other reasons, are no refusal; a missing StatefulSet is", () => {
    const others = [
      event({ involvedObject: { uid: "other" }, reason: "FailedCreate", message: "x" }),
      event({ involvedObject: { uid: "sts-uid" }, reason: "SuccessfulCreate", message: "x" }),
    ];
    expect(refusalWarning({ ...base, events: others })).toBeUndefined();
    expect(
      refusalWarning({ ...base, statefulSetUid: undefined, statefulSetMissing: true, events: [] }),
    ).toEqual({ message: STS_MISSING, critical: true });
  });
});

describe("many sessions' refusals at once", () => {
  const failedCreate = (uid: string, name: string) =>
    ({
      involvedObject: { uid, kind: "StatefulSet", name },
      metadata: {},
      type: "Warning",
      reason: "FailedCreate",
      message: `create Pod ${name}-0 in StatefulSet ${name} failed error: refused ${name}`,
    }) as CoreV1Event;

  it("two reads for all of them; each event is its own session's by uid, never by name", async () => {
    const asked: string[] = [];
    const repo = {
      listEventsMatching: async (selector: string) => {
        asked.push(`events ${selector}`);
        // b's is from a StatefulSet of the same name that an earlier session had.
        return [failedCreate("sts-a", "a"), failedCreate("sts-b-before", "b")];
      },
      listStatefulSets: async (selector: string) => {
        asked.push(`statefulsets ${selector}`);
        return [
          { metadata: { name: "a", uid: "sts-a" } },
          { metadata: { name: "b", uid: "sts-b" } },
        ];
      },
    };
    const found = await readRefusals(repo, (names) => labelIn("x/parent", names), [
      { name: "a", resourceUid: "cr-a", reconciled: true },
      { name: "b", resourceUid: "cr-b", reconciled: true },
      { name: "c", resourceUid: "cr-c", reconciled: true },
      { name: "d", resourceUid: "cr-d", reconciled: false },
    ]);
    expect(asked.sort()).toEqual([
      `events ${REFUSAL_EVENTS}`,
      "statefulsets x/parent in (a,b,c,d)",
    ]);
    expect(Object.fromEntries(found)).toEqual({
      a: { message: "The cluster refused to create the session's pod: refused a", critical: true },
      b: undefined,
      c: { message: STS_MISSING, critical: true },
      d: undefined,
    });
  });

  it("no session to read: no call", async () => {
    const none = async (): Promise<never> => {
      throw new Error("no call expected");
    };
    const found = await readRefusals(
      { listEventsMatching: none, listStatefulSets: none },
      (names) => labelIn("x", names),
      [],
    );
    expect(found.size).toBe(0);
  });
});

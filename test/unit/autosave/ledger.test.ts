import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  LEDGER_REFRESH_MS,
  LedgerConflictError,
  type LedgerEntry,
  pruneLedger,
  recordLaunch,
  recordLaunchInLedger,
  withLedger,
} from "../../../lib/autosave/index.js";
import { FakeLedgerStore, noPause } from "./fakes.js";

const T0 = new Date("2024-06-01T00:00:00.000Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

describe("recordLaunch (pure)", () => {
  it("adds a project once and moves its last launch forward", () => {
    let e: LedgerEntry[] = [];
    e = recordLaunch(e, { projectId: 5, projectPath: "g/p", at: T0 });
    e = recordLaunch(e, { projectId: 2, projectPath: "g/q", at: T0 });
    e = recordLaunch(e, { projectId: 5, projectPath: "g/renamed", at: later(1000) });
    expect(e).toEqual([
      { projectId: 2, projectPath: "g/q", lastLaunch: T0.toISOString() },
      { projectId: 5, projectPath: "g/renamed", lastLaunch: later(1000).toISOString() },
    ]);
  });

  it("never moves a last launch backwards (writers may arrive out of order)", () => {
    const e = recordLaunch(
      [{ projectId: 5, projectPath: "g/new", lastLaunch: later(1000).toISOString() }],
      { projectId: 5, projectPath: "g/old", at: T0 },
    );
    expect(e).toEqual([
      { projectId: 5, projectPath: "g/new", lastLaunch: later(1000).toISOString() },
    ]);
  });
});

describe("pruneLedger (pure)", () => {
  const entries: LedgerEntry[] = [
    { projectId: 1, projectPath: "a", lastLaunch: T0.toISOString() },
    { projectId: 2, projectPath: "b", lastLaunch: T0.toISOString() },
    { projectId: 3, projectPath: "c", lastLaunch: later(10 * DAY_MS).toISOString() },
    { projectId: 4, projectPath: "d", lastLaunch: "unreadable" },
  ];
  it("drops only entries with no autosaves left whose last launch is older than the retention", () => {
    const kept = pruneLedger(entries, {
      emptyProjects: new Set([1, 3, 4]),
      now: later(15 * DAY_MS),
      retentionMs: 14 * DAY_MS,
    });
    // 1: empty and old -> dropped; 2: still has autosaves; 3: launched recently; 4: time unknown.
    expect(kept.map((e) => e.projectId)).toEqual([2, 3, 4]);
  });
});

describe("withLedger", () => {
  it("loses no launch when many writers race on the same version", async () => {
    const store = new FakeLedgerStore();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        recordLaunchInLedger(
          store,
          { projectId: i, projectPath: `g/p${i}`, at: later(i) },
          { attempts: 20, pause: noPause },
        ),
      ),
    );
    expect(store.entries.map((e) => e.projectId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(store.conflicts).toBeGreaterThan(0); // they did collide, and were retried
  });

  it("gives up after the bounded number of attempts with the conflict", async () => {
    const store = new FakeLedgerStore();
    store.forceConflicts = 3;
    await expect(
      recordLaunchInLedger(
        store,
        { projectId: 1, projectPath: "g/p", at: T0 },
        { attempts: 3, pause: noPause },
      ),
    ).rejects.toMatchObject({ name: "ConflictError" });
    expect(store.entries).toEqual([]);
    store.forceConflicts = 2;
    await recordLaunchInLedger(
      store,
      { projectId: 1, projectPath: "g/p", at: T0 },
      { attempts: 3, pause: noPause },
    );
    expect(store.entries).toHaveLength(1);
  });

  // A Kubernetes 409 reaches this logic as the port's LedgerConflictError (test/unit/adapters/ledger-store).
  it("retries on the port's conflict error, and rethrows other store errors at once", async () => {
    const store = new FakeLedgerStore();
    let calls = 0;
    const write = store.write.bind(store);
    store.write = async (entries, version) => {
      calls++;
      if (calls === 1) throw new LedgerConflictError();
      return write(entries, version);
    };
    await recordLaunchInLedger(
      store,
      { projectId: 1, projectPath: "g/p", at: T0 },
      { pause: noPause },
    );
    expect(store.entries).toHaveLength(1);

    const broken = new FakeLedgerStore();
    let writes = 0;
    broken.write = async () => {
      writes++;
      throw Object.assign(new Error("forbidden"), { status: 403 });
    };
    await expect(
      recordLaunchInLedger(
        broken,
        { projectId: 1, projectPath: "g/p", at: T0 },
        { pause: noPause },
      ),
    ).rejects.toThrow("forbidden");
    expect(writes).toBe(1);
  });

  it("writes nothing when the mutation changes nothing", async () => {
    const store = new FakeLedgerStore([
      { projectId: 1, projectPath: "g/p", lastLaunch: T0.toISOString() },
    ]);
    await withLedger(store, (e) => [...e]);
    expect(store.writes).toBe(0);
  });
});

describe("recordLaunchInLedger: a recent entry stands for the launch", () => {
  const launch = (at: Date, projectPath = "g/p") => ({ projectId: 1, projectPath, at });

  it("writes nothing while the project's entry is younger than the refresh window", async () => {
    const store = new FakeLedgerStore([
      { projectId: 1, projectPath: "g/p", lastLaunch: T0.toISOString() },
    ]);
    const stored = await recordLaunchInLedger(store, launch(later(LEDGER_REFRESH_MS - 1)));
    expect(store.writes).toBe(0);
    expect(stored).toEqual([{ projectId: 1, projectPath: "g/p", lastLaunch: T0.toISOString() }]);
  });

  it("moves the entry forward once it is older than the window, or the project was renamed", async () => {
    const store = new FakeLedgerStore([
      { projectId: 1, projectPath: "g/p", lastLaunch: T0.toISOString() },
    ]);
    await recordLaunchInLedger(store, launch(later(LEDGER_REFRESH_MS + 1)));
    expect(store.writes).toBe(1);
    expect(store.entries).toEqual([
      { projectId: 1, projectPath: "g/p", lastLaunch: later(LEDGER_REFRESH_MS + 1).toISOString() },
    ]);
    await recordLaunchInLedger(store, launch(later(LEDGER_REFRESH_MS + 2), "g/renamed"));
    expect(store.writes).toBe(2);
    expect(store.entries[0]?.projectPath).toBe("g/renamed");
  });

  it("a burst of launches of one project loses none and writes the entry once", async () => {
    const store = new FakeLedgerStore();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        recordLaunchInLedger(store, launch(later(i)), { attempts: 20, pause: noPause }),
      ),
    );
    expect(store.writes).toBe(1);
    expect(store.entries).toHaveLength(1);
  });
});

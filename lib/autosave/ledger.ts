/**
 * The ledger of projects in which sessions were launched (D17): the scheduled clean-up scans only
 * these. Merges are pure; `withLedger` applies one under optimistic concurrency and retries on a
 * stale version, so concurrent writers (launches, clean-up runs) lose nothing.
 */
import { isLedgerConflict, type LedgerEntry, type LedgerStore } from "./ports.js";

function byProjectId(a: LedgerEntry, b: LedgerEntry): number {
  return a.projectId - b.projectId;
}

/**
 * Pure: the entries with this launch recorded. One entry per project; the later launch time wins,
 * and the path is the one of the latest launch (projects get renamed).
 */
export function recordLaunch(
  entries: readonly LedgerEntry[],
  launch: { projectId: number; projectPath: string; at: Date },
): LedgerEntry[] {
  const at = launch.at.toISOString();
  const others = entries.filter((e) => e.projectId !== launch.projectId);
  const existing = entries.filter((e) => e.projectId === launch.projectId);
  let latest: LedgerEntry = {
    projectId: launch.projectId,
    projectPath: launch.projectPath,
    lastLaunch: at,
  };
  for (const e of existing) {
    if (Date.parse(e.lastLaunch) > Date.parse(latest.lastLaunch)) latest = { ...e };
  }
  return [...others, latest].sort(byProjectId);
}

/**
 * Pure: drops the entries whose project has no autosaves left AND whose last launch is older than
 * the retention. A launch recorded since the scan (newer lastLaunch) keeps its entry.
 */
export function pruneLedger(
  entries: readonly LedgerEntry[],
  input: { emptyProjects: ReadonlySet<number>; now: Date; retentionMs: number },
): LedgerEntry[] {
  const cutoff = input.now.getTime() - input.retentionMs;
  return entries.filter((e) => {
    if (!input.emptyProjects.has(e.projectId)) return true;
    const t = Date.parse(e.lastLaunch);
    // An unreadable time cannot be proven old: keep the entry.
    return Number.isNaN(t) || t >= cutoff;
  });
}

function sameEntries(a: readonly LedgerEntry[], b: readonly LedgerEntry[]): boolean {
  return JSON.stringify([...a].sort(byProjectId)) === JSON.stringify([...b].sort(byProjectId));
}

export interface WithLedgerOptions {
  /** Read-modify-write attempts before giving up (default 8). */
  attempts?: number;
  /** Waits before retry number `attempt` (1-based); default: random jitter, up to 10 ms * 2^attempt. */
  pause?: (attempt: number) => Promise<void>;
}

// Jitter spreads writers that collided, so the next round is unlikely to collide again.
const jitter = (attempt: number) =>
  new Promise<void>((resolve) =>
    setTimeout(resolve, Math.random() * Math.min(200, 10 * 2 ** attempt)),
  );

/**
 * Reads the ledger, applies `mutate`, writes it back at the version read, and starts over on a
 * version conflict. `mutate` must be pure: it may run several times. Writes nothing when `mutate`
 * changes nothing. Resolves with the entries now stored; throws the last conflict once the attempts
 * are spent, and any other store error at once.
 */
export async function withLedger(
  store: LedgerStore,
  mutate: (entries: readonly LedgerEntry[]) => LedgerEntry[],
  options: WithLedgerOptions = {},
): Promise<LedgerEntry[]> {
  const attempts = Math.max(1, options.attempts ?? 8);
  const pause = options.pause ?? jitter;
  let lastConflict: unknown;
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await pause(i);
    const { entries, version } = await store.read();
    const next = mutate(entries);
    if (next === entries || sameEntries(entries, next)) return [...entries];
    try {
      await store.write(next, version);
      return next;
    } catch (err) {
      if (!isLedgerConflict(err)) throw err;
      lastConflict = err;
    }
  }
  throw lastConflict;
}

/**
 * How old a project's entry may be and still stand for a launch: a launch within it writes
 * nothing. A class launching one project then reads the ledger once each instead of queueing on
 * its one object; the only cost is that an empty project's entry may be pruned this much before
 * the retention of its latest launch has passed (an hour of 14 days).
 */
export const LEDGER_REFRESH_MS = 60 * 60 * 1000;

/** Pure: whether the ledger already stands for this launch (same path, recorded recently). */
function launchRecorded(
  entries: readonly LedgerEntry[],
  launch: { projectId: number; projectPath: string; at: Date },
): boolean {
  const since = launch.at.getTime() - LEDGER_REFRESH_MS;
  return entries.some(
    (e) =>
      e.projectId === launch.projectId &&
      e.projectPath === launch.projectPath &&
      Date.parse(e.lastLaunch) >= since,
  );
}

/** The POST-time write: record a launch, retrying on conflicts; none when the entry is recent. */
export function recordLaunchInLedger(
  store: LedgerStore,
  launch: { projectId: number; projectPath: string; at: Date },
  options?: WithLedgerOptions,
): Promise<LedgerEntry[]> {
  return withLedger(
    store,
    (entries) =>
      launchRecorded(entries, launch) ? (entries as LedgerEntry[]) : recordLaunch(entries, launch),
    options,
  );
}

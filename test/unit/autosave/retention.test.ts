import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  decideRetention,
  parseAutosaveName,
  type RetentionInput,
} from "../../../lib/autosave/index.js";

const NOW = new Date("2024-06-15T12:00:00.000Z");
const RET = 14 * DAY_MS;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function decide(branches: RetentionInput[]) {
  return Object.fromEntries(
    decideRetention(branches, NOW, RET).map((d) => [d.name, `${d.action}:${d.reason}`]),
  );
}

describe("retention policy (D17)", () => {
  it("deletes autosaves older than the retention and keeps those within it", () => {
    expect(
      decide([
        { name: "renku/autosave/u/m/1111111/aaaaaaa", committedDate: ago(RET + 1) },
        { name: "renku/autosave/u/m/2222222/bbbbbbb", committedDate: ago(RET) },
        { name: "renku/autosave/u/m/3333333/ccccccc", committedDate: ago(DAY_MS) },
      ]),
    ).toEqual({
      "renku/autosave/u/m/1111111/aaaaaaa": "delete:expired",
      "renku/autosave/u/m/2222222/bbbbbbb": "keep:recent",
      "renku/autosave/u/m/3333333/ccccccc": "keep:recent",
    });
  });

  it("deletes a recent autosave superseded by a newer one of the same user, branch and root", () => {
    expect(
      decide([
        { name: "renku/autosave/u/m/1111111/aaaaaaa", committedDate: ago(3 * DAY_MS) },
        { name: "renku/autosave/u/m/1111111/bbbbbbb", committedDate: ago(DAY_MS) },
        // Same root, other user / branch / root: not competitors.
        { name: "renku/autosave/v/m/1111111/ccccccc", committedDate: ago(3 * DAY_MS) },
        { name: "renku/autosave/u/dev/1111111/ddddddd", committedDate: ago(3 * DAY_MS) },
        { name: "renku/autosave/u/m/2222222/eeeeeee", committedDate: ago(3 * DAY_MS) },
      ]),
    ).toEqual({
      "renku/autosave/u/m/1111111/aaaaaaa": "delete:superseded",
      "renku/autosave/u/m/1111111/bbbbbbb": "keep:recent",
      "renku/autosave/v/m/1111111/ccccccc": "keep:recent",
      "renku/autosave/u/dev/1111111/ddddddd": "keep:recent",
      "renku/autosave/u/m/2222222/eeeeeee": "keep:recent",
    });
  });

  it("keeps both of two autosaves with the same date (neither is newer)", () => {
    const d = ago(DAY_MS);
    expect(
      decide([
        { name: "renku/autosave/u/m/1111111/aaaaaaa", committedDate: d },
        { name: "renku/autosave/u/m/1111111/bbbbbbb", committedDate: d },
      ]),
    ).toEqual({
      "renku/autosave/u/m/1111111/aaaaaaa": "keep:recent",
      "renku/autosave/u/m/1111111/bbbbbbb": "keep:recent",
    });
  });

  it("never touches branches that do not parse, however old, nor undated autosaves", () => {
    expect(
      decide([
        { name: "renku/autosave/u/m/1111111", committedDate: ago(100 * DAY_MS) },
        { name: "renku/autosave/notes", committedDate: ago(100 * DAY_MS) },
        { name: "renku/autosave/u/m/1111111/aaaaaaa", committedDate: "not a date" },
        { name: "renku/autosave/u/m/1111111/bbbbbbb", committedDate: ago(2 * DAY_MS) },
      ]),
    ).toEqual({
      "renku/autosave/u/m/1111111": "keep:not-autosave",
      "renku/autosave/notes": "keep:not-autosave",
      "renku/autosave/u/m/1111111/aaaaaaa": "keep:undated",
      "renku/autosave/u/m/1111111/bbbbbbb": "keep:recent",
    });
  });

  it("treats a head dated in the future as recent and as superseding older ones", () => {
    expect(
      decide([
        { name: "renku/autosave/u/m/1111111/aaaaaaa", committedDate: ago(-DAY_MS) },
        { name: "renku/autosave/u/m/1111111/bbbbbbb", committedDate: ago(DAY_MS) },
      ]),
    ).toEqual({
      "renku/autosave/u/m/1111111/aaaaaaa": "keep:recent",
      "renku/autosave/u/m/1111111/bbbbbbb": "delete:superseded",
    });
  });
});

// Property: an independent, obviously-correct statement of "should be kept", checked against
// arbitrary mixes of autosaves that share users, branches and roots, junk names, and dates
// on both sides of the cutoff (including exactly on it, and unparseable).
const user = fc.constantFrom("u", "v", "jane.doe");
const branch = fc.constantFrom("m", "dev", "feat/x", "a/1234567/bbbbbbb");
const short = fc.constantFrom("1111111", "2222222", "ABCDEF0", "abcdef0");
const autosaveName = fc
  .tuple(user, branch, short, fc.stringMatching(/^[a-z0-9]{7}$/))
  .map(([u, b, r, h]) => `renku/autosave/${u}/${b}/${r}/${h}`);
const junkName = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "renku/autosave/u/m/1111111",
    "renku/autosave//m/1111111/aaaaaaa",
    "renku/autosave/u/m/111111/aaaaaaa",
    "renku/autosave/u/m/1111111/aaaaaaa/",
    "renku/autosave/u/m/1111111/aaaaaaa\n",
    "master",
  ),
  autosaveName.map((n) => `x${n}`),
);
const offsetMs = fc.oneof(
  fc.integer({ min: -5 * DAY_MS, max: 40 * DAY_MS }),
  fc.constantFrom(RET, RET - 1, RET + 1, 0),
);
const date = fc.oneof(
  { weight: 9, arbitrary: offsetMs.map((o) => ago(o)) },
  { weight: 1, arbitrary: fc.constantFrom("", "garbage") },
);
const branches = fc.array(
  fc.record({
    name: fc.oneof({ weight: 4, arbitrary: autosaveName }, junkName),
    committedDate: date,
  }),
  { maxLength: 40 },
);

function shouldBeKept(b: RetentionInput, all: RetentionInput[], retentionMs: number): boolean {
  const p = parseAutosaveName(b.name);
  if (!p) return true;
  const t = Date.parse(b.committedDate);
  if (Number.isNaN(t)) return true;
  const expired = NOW.getTime() - t > retentionMs;
  const newer = all.some((o) => {
    const q = parseAutosaveName(o.name);
    const u = Date.parse(o.committedDate);
    return (
      q !== undefined &&
      q.username === p.username &&
      q.branch === p.branch &&
      q.root === p.root &&
      !Number.isNaN(u) &&
      u > t
    );
  });
  return !expired && !newer;
}

describe("retention policy, property-based", () => {
  it("never selects a branch that should be kept, and selects every one that should go", () => {
    fc.assert(
      fc.property(branches, fc.constantFrom(RET, DAY_MS, 30 * DAY_MS), (list, retentionMs) => {
        const decisions = decideRetention(list, NOW, retentionMs);
        expect(decisions).toHaveLength(list.length);
        decisions.forEach((d, i) => {
          const b = list[i] as RetentionInput;
          expect(d.name).toBe(b.name);
          const keep = shouldBeKept(b, list, retentionMs);
          if (d.action === "delete") {
            // Safety: the one direction that loses work.
            expect(keep, `${b.name} @ ${b.committedDate} was selected`).toBe(false);
            expect(parseAutosaveName(b.name)).toBeDefined();
          } else {
            expect(keep, `${b.name} @ ${b.committedDate} was kept`).toBe(true);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it("always keeps the newest dated autosave of each user, branch and root within the retention", () => {
    fc.assert(
      fc.property(branches, (list) => {
        const decisions = decideRetention(list, NOW, RET);
        const groups = new Map<string, number>();
        for (const b of list) {
          const p = parseAutosaveName(b.name);
          const t = Date.parse(b.committedDate);
          if (!p || Number.isNaN(t)) continue;
          const k = JSON.stringify([p.username, p.branch, p.root]);
          groups.set(k, Math.max(groups.get(k) ?? -Infinity, t));
        }
        decisions.forEach((d, i) => {
          const b = list[i] as RetentionInput;
          const p = parseAutosaveName(b.name);
          const t = Date.parse(b.committedDate);
          if (!p || Number.isNaN(t) || NOW.getTime() - t > RET) return;
          if (groups.get(JSON.stringify([p.username, p.branch, p.root])) === t) {
            expect(d.action).toBe("keep");
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * The import graph between "rooms": a folder directly under lib/ (or a file directly in it) is a
 * room, an import from one room into another is an arrow, and a strongly connected component of
 * more than one room is a loop. `npx tsx scripts/layers.ts` prints the figures; the layering test
 * (test/repo/layers.test.ts) reads the same graph.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..");

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)"(\.{1,2}\/[^"]+)"/g;

/** Every .ts file under `dir` (relative to the repository), sorted. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(join(ROOT, d), { withFileTypes: true })) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** The repository-relative files a source file imports (relative imports only). */
export function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const out = new Set<string>();
  for (const m of text.matchAll(IMPORT)) {
    const target = relative(ROOT, resolve(ROOT, dirname(file), m[1] as string));
    out.add(target.replace(/\.js$/, ".ts"));
  }
  return [...out];
}

/** lib/k8s/cluster.ts → "k8s"; lib/errors.ts → "errors.ts"; outside lib/ → undefined. */
export function roomOf(file: string): string | undefined {
  const parts = file.split("/");
  if (parts[0] !== "lib" || parts.length < 2) return undefined;
  return parts[1];
}

export interface Graph {
  rooms: string[];
  /** "from -> to" → the file-level imports behind it. */
  arrows: Map<string, string[]>;
  /** Strongly connected components of two rooms or more. */
  loops: string[][];
}

/** The graph between lib/'s rooms; with `functions`, functions/ counts as one more room. */
export function libGraph(functions = false): Graph {
  const files = [...sourceFiles("lib"), ...(functions ? sourceFiles("functions") : [])];
  const room = (f: string) => (f.startsWith("functions/") ? "functions" : roomOf(f));
  const rooms = [...new Set(files.map((f) => room(f) as string))].sort();
  const arrows = new Map<string, string[]>();
  for (const file of files) {
    const from = room(file) as string;
    for (const target of importsOf(file)) {
      const to = room(target);
      if (to === undefined || to === from) continue;
      const key = `${from} -> ${to}`;
      arrows.set(key, [...(arrows.get(key) ?? []), `${file} -> ${target}`]);
    }
  }
  return { rooms, arrows, loops: stronglyConnected(rooms, arrows) };
}

/** Tarjan's algorithm over the room graph; keeps the components with a cycle. */
function stronglyConnected(rooms: string[], arrows: Map<string, string[]>): string[][] {
  const next = new Map<string, string[]>(rooms.map((r) => [r, []]));
  for (const key of arrows.keys()) {
    const [from, to] = key.split(" -> ") as [string, string];
    next.get(from)?.push(to);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) loops.push(component.sort());
    }
  };
  for (const r of rooms) if (!index.has(r)) visit(r);
  return loops;
}

/**
 * Unit test files that sit at their subject's path: test/unit/<p>.test.ts tests lib/<p>.ts (or
 * lib/<p>/index.ts), or functions/<q>.ts when <p> is functions/<q>. test/unit/cluster/ (the
 * simulator's tests, on their way out of test/unit/) is left out.
 */
export function mirroredTests(): { mirrored: string[]; elsewhere: string[] } {
  const tests = sourceFiles("test/unit").filter(
    (f) => f.endsWith(".test.ts") && !f.startsWith("test/unit/cluster/"),
  );
  const exists = (f: string) => existsSync(join(ROOT, f));
  const mirrored: string[] = [];
  const elsewhere: string[] = [];
  for (const test of tests) {
    const p = test.slice("test/unit/".length, -".test.ts".length);
    const subjects = p.startsWith("functions/")
      ? [`${p}.ts`]
      : [`lib/${p}.ts`, `lib/${p}/index.ts`];
    (subjects.some(exists) ? mirrored : elsewhere).push(test);
  }
  return { mirrored, elsewhere };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const g = libGraph();
  const withFunctions = libGraph(true);
  console.log(`lib/: ${g.rooms.length} rooms, ${g.arrows.size} arrows, ${g.loops.length} loop(s)`);
  console.log(
    `lib/ + functions/: ${withFunctions.rooms.length} rooms, ${withFunctions.arrows.size} arrows`,
  );
  for (const loop of g.loops) console.log(`loop through ${loop.length}: ${loop.join(" ")}`);
  const { mirrored, elsewhere } = mirroredTests();
  const total = mirrored.length + elsewhere.length;
  console.log(
    `unit tests at their subject's path: ${mirrored.length} of ${total} (${Math.round((100 * mirrored.length) / total)} %)`,
  );
  if (process.argv.includes("--tests")) for (const t of elsewhere) console.log(`elsewhere: ${t}`);
  if (process.argv.includes("--arrows"))
    for (const a of [...g.arrows.keys()].sort()) console.log(a);
}

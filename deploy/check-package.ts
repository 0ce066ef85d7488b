/**
 * Checks the artifacts of `npx serverless package`: one zip per function, each holding its handler
 * bundle, no dev-only code (tests, the local stand-ins) and nothing of what custom.esbuild.exclude
 * leaves to the runtime (the AWS SDK, the tracer) bundled in. Prints each function's zip
 * and unzipped sizes. Usage: npx tsx deploy/check-package.ts [artifact dir, default .serverless]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { parse } from "yaml";

export interface ZipEntry {
  name: string;
  compressedSize: number;
  size: number;
  data(): Buffer;
}

/** Reads a zip's central directory (no zip64: Lambda zips are far below 4 GB). */
export function readZip(buf: Buffer): ZipEntry[] {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("not a zip file");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error("bad central directory");
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    entries.push({
      name,
      compressedSize,
      size,
      data: () => {
        const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
        const raw = buf.subarray(start, start + compressedSize);
        return method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
      },
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Source paths that must never ship: tests, local stand-ins, dev tooling. */
const DEV_ONLY = [/(^|\/)test\//, /node_modules\/(vitest|aws-sdk-client-mock|fast-check|autocannon|serverless-offline|tsx)\//];

/**
 * Packages serverless.yml's custom.esbuild.exclude leaves to the runtime (the AWS SDK v3 of the
 * Lambda runtime, the Powertools layer's tracer; docs/deploy.md): no file or source of theirs ships.
 */
function runtimeProvided(exclude: readonly string[]): RegExp[] {
  const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]+");
  return exclude.map((pkg) => new RegExp(`(^|/)node_modules/${escape(pkg)}/`));
}

export interface FunctionReport {
  name: string;
  handler: string;
  zipBytes: number;
  unzippedBytes: number;
  problems: string[];
}

export function checkPackage(dir: string, serverlessYml = "serverless.yml"): FunctionReport[] {
  // Only the function list is read; variables are irrelevant to handler paths.
  const doc = parse(readFileSync(serverlessYml, "utf8").replace(/\$\{[^}]*\}/g, "x")) as {
    functions: Record<string, { handler: string }>;
    custom?: { esbuild?: { exclude?: string[] } };
  };
  const excluded = runtimeProvided(doc.custom?.esbuild?.exclude ?? []);
  const zips = new Set(readdirSync(dir).filter((f) => f.endsWith(".zip")));
  return Object.entries(doc.functions).map(([name, fn]) => {
    const report: FunctionReport = {
      name,
      handler: fn.handler,
      zipBytes: 0,
      unzippedBytes: 0,
      problems: [],
    };
    const file = `${name}.zip`;
    if (!zips.has(file)) {
      report.problems.push(`no ${file}`);
      return report;
    }
    zips.delete(file);
    const buf = readFileSync(join(dir, file));
    const entries = readZip(buf);
    report.zipBytes = buf.length;
    report.unzippedBytes = entries.reduce((n, e) => n + e.size, 0);
    const base = fn.handler.replace(/\.[^.]+$/, "");
    const bundles = entries.filter((e) => /\.(c|m)?js$/.test(e.name));
    if (!bundles.some((e) => e.name.replace(/\.(c|m)?js$/, "") === base)) {
      report.problems.push(`handler bundle ${base}.(c|m)js missing`);
    }
    // A second bundle is a stale build left in the artifact (it doubles the size).
    if (bundles.length > 1) report.problems.push(`${bundles.length} bundles: ${bundles.map((e) => e.name).join(", ")}`);
    // One problem per excluded package (the SDK alone has hundreds of source files).
    const shipped = new Set<string>();
    const bundled = new Set<string>();
    const packageOf = (path: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? path;
    for (const e of entries) {
      if (DEV_ONLY.some((re) => re.test(e.name))) report.problems.push(`dev-only file ${e.name}`);
      if (excluded.some((re) => re.test(e.name))) shipped.add(packageOf(e.name));
      if (e.name.endsWith(".map")) {
        const sources = (JSON.parse(e.data().toString("utf8")) as { sources: string[] }).sources;
        for (const s of sources) {
          if (DEV_ONLY.some((re) => re.test(s))) report.problems.push(`dev-only code bundled: ${s}`);
          if (excluded.some((re) => re.test(s))) bundled.add(packageOf(s));
        }
      }
    }
    for (const pkg of shipped) report.problems.push(`excluded package shipped: ${pkg}`);
    for (const pkg of bundled) report.problems.push(`excluded package bundled: ${pkg}`);
    return report;
  });
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? ".serverless";
  const reports = checkPackage(dir);
  let failed = false;
  for (const r of reports) {
    console.log(`${r.name.padEnd(18)} zip ${kb(r.zipBytes).padStart(9)}  unzipped ${kb(r.unzippedBytes).padStart(9)}  ${r.handler}`);
    for (const p of r.problems) {
      failed = true;
      console.log(`  PROBLEM: ${p}`);
    }
  }
  console.log(failed ? "package check FAILED" : `package check passed (${reports.length} functions)`);
  process.exit(failed ? 1 : 0);
}

/** The README's promises that can be checked without running anything: commands, files, routes, summary line. */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { routePath } from "../../lib/api/route.js";
import { ROUTES } from "../../lib/api/routes.js";
import { configVariables } from "../../lib/config/env.js";
import { loadConfig } from "../../lib/config/load.js";

const readme = readFileSync("README.md", "utf8");
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
const yml = parse(readFileSync("serverless.yml", "utf8")) as { functions: Record<string, unknown> };

describe("README.md", () => {
  it("lists only npm scripts that exist, and every script users run", () => {
    const from = readme.indexOf("<!-- commands -->");
    const table = readme.slice(from, readme.indexOf("\n\n", readme.indexOf("|", from)));
    const listed = [...table.matchAll(/`npm (?:run (?:-s )?)?([a-z]+)/g)].map(
      (m) => m[1] as string,
    );
    for (const name of listed) expect(Object.keys(pkg.scripts), name).toContain(name);
    for (const name of ["start", "as", "test", "typecheck", "lint", "bench", "package"]) {
      expect(listed, name).toContain(name);
    }
  });

  it("names files that exist", () => {
    const paths = [
      ...readme.matchAll(/`((?:functions|lib|test|docs|deploy|build|scripts|events)\/[\w./-]+)`/g),
    ]
      .map((m) => (m[1] as string).replace(/[.,]$/, ""))
      .filter((p) => !p.includes("<") && !p.endsWith("/"));
    expect(paths.length).toBeGreaterThan(10);
    for (const p of paths) expect(existsSync(p), p).toBe(true);
    for (const doc of readme.matchAll(/\bdocs\/[\w-]+\.md\b/g))
      expect(existsSync(doc[0]), doc[0]).toBe(true);
    // Nothing outside the repository.
    expect(readme).not.toMatch(/\.\.\/shared\//);
  });

  it("has every route and function in its endpoint table", () => {
    for (const route of ROUTES) {
      const path = routePath(route, "/notebooks").replace(
        "{namespace_project}",
        "{namespace%2Fproject}",
      );
      const row = readme
        .split("\n")
        .find((l) => l.includes(`\`${path}`) && l.includes(` ${route.id} `));
      expect(row, `${route.method} ${path} (${route.id})`).toBeDefined();
    }
    for (const name of Object.keys(yml.functions)) expect(readme, name).toContain(` ${name} `);
  });

  it("describes the test summary line as the reporter prints it", () => {
    const reporter = readFileSync("test/summary-reporter.ts", "utf8");
    expect(reporter).toMatch(
      /\$\{passed\} passed, \$\{failed\} failed\$\{skipped \? `, \$\{skipped\} skipped`/,
    );
    expect(readme).toContain("`N passed, N failed`");
    expect(readme).toContain("`, N skipped`");
  });

  it("describes what .ci/run does", () => {
    const ci = readFileSync(".ci/run", "utf8");
    for (const step of [
      "npm ci",
      "npm run typecheck",
      "npm run lint",
      "npx serverless package",
      "deploy/check-package.ts",
      "npm test",
    ]) {
      expect(ci, step).toContain(step);
    }
    for (const pkgName of ["docker-registry", "apache2-utils", "kubernetes-client", "chromium"]) {
      expect(ci, pkgName).toContain(pkgName);
      expect(readme, pkgName).toContain(pkgName);
    }
  });

  it("has a row for every setting in its configuration table, and none that is not one", () => {
    const rows = [...readme.matchAll(/^\| `(NB_[A-Z0-9_]+)` \|/gm)].map((m) => m[1] as string);
    const settings = configVariables();
    for (const name of settings) expect(rows, name).toContain(name);
    for (const name of rows) expect(settings, name).toContain(name);
  });

  it("documents the boolean spellings the configuration accepts", () => {
    const host = { NB_STAGE: "local", NB_SESSIONS__INGRESS__HOST: "sessions.example.org" };
    for (const [raw, value] of [
      ["true", true],
      ["True", true],
      ["1", true],
      ["false", false],
      ["False", false],
      ["0", false],
    ] as const) {
      expect(
        loadConfig({ ...host, NB_ANONYMOUS_SESSIONS_ENABLED: raw }).anonymous_sessions_enabled,
      ).toBe(value);
    }
    expect(() => loadConfig({ ...host, NB_ANONYMOUS_SESSIONS_ENABLED: "yes" })).toThrow();
    expect(readme).toContain("booleans `true`/`false` (also `True`/`False`, `1`/`0`)");
  });
});

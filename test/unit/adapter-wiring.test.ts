/**
 * Every module that reaches for a heavy client (deps.k8s, deps.gitlab, deps.registry, deps.crc)
 * imports its registration from lib/adapters/ itself, so each function bundles exactly the clients
 * it uses, and none is missing at run time.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config.js";
import { buildDeps } from "../../lib/deps.js";

const ADAPTERS = ["k8s", "gitlab", "registry", "crc"] as const;

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });

const uses = (src: string, name: string) =>
  new RegExp(`\\bdeps\\.${name}\\b`).test(src) ||
  new RegExp(`\\{[^}]*\\b${name}\\b[^}]*\\}\\s*(:\\s*Deps\\s*)?=\\s*deps\\b`).test(src) ||
  new RegExp(`async\\s*\\([^)]*\\},\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*\\)`).test(src);

describe("adapter wiring", () => {
  const files = [...sources("functions"), ...sources("lib")].filter(
    (f) => !f.startsWith(join("lib", "adapters")) && f !== join("lib", "deps.ts"),
  );

  it.each(files)("%s imports the adapters it uses", (file) => {
    const src = readFileSync(file, "utf8");
    for (const name of ADAPTERS) {
      if (uses(src, name)) expect(src, `${file} uses deps.${name}`).toMatch(`adapters/${name}.js"`);
    }
  });

  it("says which adapter is missing instead of failing obscurely", () => {
    // This file imports no module that registers an adapter (test files run isolated).
    const deps = buildDeps(
      loadConfig({ NB_SESSIONS__INGRESS__HOST: "x.example.org", NB_LOG_LEVEL: "silent" }),
    );
    expect(() => deps.registry).toThrow(
      "the registry adapter is not wired: import lib/adapters/registry.js",
    );
  });

  it("uses an adapter given by the caller without building one", () => {
    const fake = { check: async () => ({ exists: true, private: false }) };
    const deps = buildDeps(
      loadConfig({ NB_SESSIONS__INGRESS__HOST: "x.example.org", NB_LOG_LEVEL: "silent" }),
      {
        registry: fake as never,
      },
    );
    expect(deps.registry).toBe(fake);
  });
});

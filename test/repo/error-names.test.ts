/**
 * Minified bundles rename classes, and `serverless invoke local` prints `constructor.name` as the
 * errorType: every error class of the service must keep its own name through esbuild's minifier.
 */
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const CLASSES: Record<string, string> = {
  AppError: "lib/errors.ts",
  ConflictError: "lib/k8s/api-errors.ts",
  LedgerConflictError: "lib/autosave/ports.ts",
  ConfigError: "lib/config/load.ts",
  QuantityError: "lib/util/quantities.ts",
  HostNotFoundError: "lib/registry/guard.ts",
  RegistryNetworkError: "lib/registry/http.ts",
  UpstreamStatus: "lib/registry/http.ts",
};

describe("error class names in minified bundles", () => {
  it("survive minification", async () => {
    const entry = Object.entries(CLASSES)
      .map(([name, file]) => `export { ${name} } from "./${file}";`)
      .join("\n");
    const out = await build({
      stdin: { contents: entry, resolveDir: process.cwd(), loader: "ts" },
      bundle: true,
      minify: true,
      platform: "node",
      format: "cjs",
      write: false,
    });
    const mod = { exports: {} as Record<string, new (...a: never[]) => Error> };
    new Function("module", "exports", "require", out.outputFiles[0]?.text ?? "")(
      mod,
      mod.exports,
      require,
    );
    for (const name of Object.keys(CLASSES)) {
      expect(mod.exports[name]?.name, name).toBe(name);
    }
  });
});

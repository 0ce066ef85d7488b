/** serverless.yml declares exactly the routes of lib/api/routes.ts, each with a handler and a sample event. */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { greedyPath, routePaths } from "../../lib/api/route.js";
import { ROUTES } from "../../lib/api/routes.js";

interface Fn {
  handler: string;
  events?: Array<{ httpApi?: string | { method: string; path: string }; schedule?: unknown }>;
}
const { withoutSlashTwins } = createRequire(import.meta.url)(
  "../../build/offline-trailing-slash.cjs",
) as { withoutSlashTwins: (events: Fn["events"] & unknown[]) => unknown[] };
const yml = parse(readFileSync("serverless.yml", "utf8")) as {
  functions: Record<string, Fn>;
  package: { individually: boolean };
  custom: { esbuild: { bundle: boolean } };
};
// The serverless variable, spelled literally (not a template placeholder).
const PREFIX_VARIABLE = ["$", "{self:custom.prefix}"].join("");
const resolvePath = (p: string) => p.replace(PREFIX_VARIABLE, "/notebooks");

describe("serverless.yml", () => {
  it("has one function per route, on the route's method and path", () => {
    for (const route of ROUTES) {
      const fn = yml.functions[route.id];
      expect(fn, route.id).toBeDefined();
      const http = fn?.events
        ?.map((e) => e.httpApi)
        .filter((e) => typeof e === "object")
        .map((e) => ({ method: e.method, path: resolvePath(e.path) }));
      const greedy = route.greedy ? [{ method: route.method, path: greedyPath("/notebooks") }] : [];
      expect(http, route.id).toEqual([
        ...routePaths(route, "/notebooks").map((path) => ({ method: route.method, path })),
        ...greedy,
      ]);
    }
  });

  it("routes everything else to the catch-all, and schedules the clean-up", () => {
    expect(yml.functions.notFound?.events).toEqual([{ httpApi: "*" }]);
    expect(yml.functions.autosaveCleanup?.events?.[0]?.schedule).toBeDefined();
    const declared = Object.keys(yml.functions).sort();
    expect(declared).toEqual(
      [...ROUTES.map((r) => r.id), "notFound", "autosaveCleanup", "sessionStop"].sort(),
    );
  });

  it("points every handler at a file exporting main, with a sample event", async () => {
    for (const [name, fn] of Object.entries(yml.functions)) {
      const [file, exported] = fn.handler.split(".");
      expect(existsSync(`${file}.ts`), fn.handler).toBe(true);
      expect(exported).toBe("main");
      const mod = (await import(/* @vite-ignore */ pathToFileURL(resolve(`${file}.ts`)).href)) as {
        main?: unknown;
      };
      expect(typeof mod.main, name).toBe("function");
      expect(existsSync(`events/${name}.json`), `events/${name}.json`).toBe(true);
    }
  });

  it("routes every v2 route with a trailing slash too, as data-services does", () => {
    const v2 = ROUTES.filter((r) => r.errors === "v2");
    expect(v2.map((r) => r.trailingSlash)).toEqual(v2.map(() => true));
    expect(yml.functions.v2SessionsGet?.events).toContainEqual({
      httpApi: { method: "GET", path: "/api/data/sessions/{session_id}/" },
    });
  });

  it("leaves the trailing-slash twins out under serverless offline, which strips the slash itself", () => {
    const events = yml.functions.v2SessionsList?.events ?? [];
    expect(withoutSlashTwins(events)).toEqual([
      { httpApi: { method: "GET", path: "/api/data/sessions" } },
    ]);
    expect(withoutSlashTwins(yml.functions.notFound?.events ?? [])).toEqual([{ httpApi: "*" }]);
  });

  it("bundles each function on its own", () => {
    expect(yml.package.individually).toBe(true);
    expect(yml.custom.esbuild.bundle).toBe(true);
  });

  it("resolves the prefix variable in every path", () => {
    for (const fn of Object.values(yml.functions)) {
      for (const e of fn.events ?? []) {
        if (typeof e.httpApi === "object") expect(resolvePath(e.httpApi.path)).toMatch(/^\/[^$]*$/);
      }
    }
  });
});

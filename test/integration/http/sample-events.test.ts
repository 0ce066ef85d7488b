/** Each sample event in events/ runs through its real handler and gets a documented answer. */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { installTestDeps, useTestDeps } from "../../helpers/deps.js";
import { lambdaContext } from "../../helpers/events.js";

const fns = (
  parse(readFileSync("serverless.yml", "utf8")) as {
    functions: Record<string, { handler: string }>;
  }
).functions;

describe("sample events", () => {
  beforeAll(() =>
    useTestDeps({
      NB_ANONYMOUS_SESSIONS_ENABLED: "true",
      // Nothing listens here: endpoints that need the cluster must still answer in the error format.
      NB_K8S__KUBECONFIG: "/nonexistent/kubeconfig",
      NB_GIT__URL: "http://127.0.0.1:9",
      NB_UPSTREAM_TIMEOUT_MS: "500",
    }),
  );
  afterAll(() => installTestDeps(undefined));

  const httpEvents = readdirSync("events")
    .filter((f) => f.endsWith(".json") && f !== "autosaveCleanup.json")
    .map((f) => f.replace(/\.json$/, ""));

  it.each(httpEvents)("%s", async (name) => {
    const fn = fns[name];
    expect(fn, name).toBeDefined();
    const [file] = (fn?.handler ?? "").split(".");
    const mod = (await import(/* @vite-ignore */ pathToFileURL(resolve(`${file}.ts`)).href)) as {
      main: (
        e: unknown,
        c: unknown,
      ) => Promise<{ statusCode: number; body?: string; headers?: Record<string, string> }>;
    };
    const event = JSON.parse(readFileSync(`events/${name}.json`, "utf8"));
    const result = await mod.main(event, lambdaContext());
    expect(result.statusCode).toBeGreaterThanOrEqual(200);
    // GET /images answers 404 with an empty body by contract; every other error carries one.
    if (result.statusCode >= 400 && !(name === "images" && result.statusCode === 404)) {
      const body = JSON.parse(result.body ?? "{}");
      expect(body.error.code, result.body).toBeTypeOf("number");
      expect(body.error.message).toBeTypeOf("string");
    }
    // Fake credentials from the event never come back.
    expect(result.body ?? "").not.toContain("fake-gitlab-token");
    expect(result.body ?? "").not.toContain("fake-access-token");
  });
});

/**
 * Each sample event in events/ runs through its real handler against the live stand-ins and gets
 * exactly the documented answer: as shipped (a fake, unsigned ID token: 401 where a user is
 * needed), and with a seeded user's real headers (the event's path, query and body unchanged).
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isStopEvent } from "../../../lib/autosave/stop-hand-off.js";
import type { LambdaHandler } from "../../../lib/http/handler.js";
import { stopEntry } from "../../../lib/use-cases/stop-hand-off.js";
import { withTestDeps } from "../../helpers/deps.js";
import { lambdaContext } from "../../helpers/events.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { v2Headers } from "../../helpers/v2-users.js";

const fns = (
  parse(readFileSync("serverless.yml", "utf8")) as {
    functions: Record<string, { handler: string }>;
  }
).functions;

/** status, and the error code when the answer is an error with a body. */
type Answer = [status: number, code?: number];
const OPEN: Record<string, Answer> = {
  docs: [200],
  health: [200],
  notFound: [404, 1404],
  serverOptions: [200],
  spec: [200],
  version: [200],
};
const AS_SHIPPED: Record<string, Answer> = {
  ...OPEN,
  autosavesDelete: [401, 1401],
  autosavesList: [401, 1401],
  images: [401, 1401],
  logs: [401, 1401],
  serversCreate: [401, 1401],
  serversDelete: [401, 1401],
  serversEvents: [401, 1401],
  serversGet: [401, 1401],
  serversList: [401, 1401],
  serversPatch: [401, 1401],
  // v2 never refuses a bad token: the caller is anonymous (v2-sessions.md 1.4).
  v2SessionsCreate: [401, 1401],
  v2SessionsDelete: [204],
  v2SessionsGet: [404, 1404],
  v2SessionsImages: [200],
  v2SessionsList: [200],
  v2SessionsLogs: [404, 1404],
  v2SessionsPatch: [404, 1404],
};
// The samples name jane.doe's session and a commit the seed does not hold: alice gets 404s.
const AS_ALICE: Record<string, Answer> = {
  ...OPEN,
  autosavesDelete: [404, 1404],
  autosavesList: [200],
  // By contract an image that cannot be found is a 404 with an empty body.
  images: [404],
  logs: [404, 1404],
  serversCreate: [404, 1404],
  serversDelete: [404, 1404],
  serversEvents: [404, 1404],
  serversGet: [404, 1404],
  serversList: [200],
  serversPatch: [404, 1404],
  // v2: alice's access token; the samples name jane.doe's session, and a seeded launcher alice
  // may launch (201).
  v2SessionsCreate: [201],
  v2SessionsDelete: [204],
  v2SessionsGet: [404, 1404],
  v2SessionsImages: [200],
  v2SessionsList: [200],
  v2SessionsLogs: [404, 1404],
  v2SessionsPatch: [404, 1404],
};

const httpEvents = readdirSync("events")
  .filter((f) => f.endsWith(".json") && !["autosaveCleanup.json", "sessionStop.json"].includes(f))
  .map((f) => f.replace(/\.json$/, ""))
  .sort();

async function run(name: string, headers: Record<string, string> = {}) {
  const [file] = (fns[name]?.handler ?? "").split(".");
  const mod = (await import(/* @vite-ignore */ pathToFileURL(resolve(`${file}.ts`)).href)) as {
    main: LambdaHandler;
  };
  const event = JSON.parse(readFileSync(`events/${name}.json`, "utf8"));
  event.headers = { ...event.headers, ...headers };
  return (await withTestDeps(mod.main)(event, lambdaContext())) as {
    statusCode: number;
    body?: string;
  };
}

describe("sample events", () => {
  let stack: SessionStack;
  beforeAll(async () => {
    // v2 launches configure the git proxy with the Keycloak client (docs/v2.md).
    stack = await startSessionStack({
      env: { NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET: "sample-events-secret" },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("every sample event has a handler and an expected answer", () => {
    for (const name of httpEvents) expect(fns[name], name).toBeDefined();
    expect(Object.keys(AS_SHIPPED).sort()).toEqual(httpEvents);
    expect(Object.keys(AS_ALICE).sort()).toEqual(httpEvents);
  });

  it("sessionStop's sample event: a session that is not there is nothing to save or stop", async () => {
    const event = JSON.parse(readFileSync("events/sessionStop.json", "utf8"));
    expect(isStopEvent(event)).toBe(true);
    expect(await stopEntry(() => stack.deps)(event)).toEqual({
      server: event.stopSession.name,
      action: "delete",
      autosave: "gone",
      stopped: false,
    });
  });

  const check = (result: { statusCode: number; body?: string }, [status, code]: Answer) => {
    expect(result.statusCode, result.body).toBe(status);
    if (code !== undefined) expect(JSON.parse(result.body ?? "{}").error.code).toBe(code);
    else if (status >= 400) expect(result.body ?? "").toBe("");
    // Fake credentials from the event never come back.
    expect(result.body ?? "").not.toContain("fake-gitlab-token");
    expect(result.body ?? "").not.toContain("fake-access-token");
  };

  it.each(httpEvents)("%s as shipped", async (name) => {
    check(await run(name), AS_SHIPPED[name] as Answer);
  });

  it.each(httpEvents)("%s as a seeded user", async (name) => {
    const headers = name.startsWith("v2")
      ? v2Headers("alice")
      : registeredHeaders({ username: "alice" });
    check(await run(name, headers), AS_ALICE[name] as Answer);
  });
});

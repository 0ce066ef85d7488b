/** Every error path of the shared middy stack, through real handlers and API Gateway v2 events. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { main as notFound } from "../../../functions/not-found.js";
import { main as createServer } from "../../../functions/servers/create.js";
import { main as listServers } from "../../../functions/servers/list.js";
import { defineRoute } from "../../../lib/api/route.js";
import { handler } from "../../../lib/http/handler.js";
import { ok } from "../../../lib/http/reply.js";
import { installTestDeps, useTestDeps, withTestDeps } from "../../helpers/deps.js";
import { apiEvent, invoke, lambdaContext } from "../../helpers/events.js";
import { anonHeaders, gitCredentials, registeredHeaders } from "../../helpers/users.js";

const AUTH_MESSAGE = "Accessing the requested resource requires authentication, please log in.";
const GIT_MESSAGE =
  "Your Gitlab credentials are invalid or expired, please login Renku, or fully log out and log back in.";
const alice = registeredHeaders({ username: "alice" });

// A route of our own, so the stack's behaviour is tested apart from any endpoint's business.
const echoRoute = defineRoute({
  id: "echo",
  method: "POST",
  path: "/echo/{thing}",
  auth: "user",
  summary: "test",
  params: z.object({ thing: z.string().max(5) }),
  query: z.object({ n: z.coerce.number().int().min(0).default(1) }),
  body: z.strictObject({ word: z.string() }),
  responses: {},
});
const echo = handler(echoRoute, async ({ params, query, body, user }) =>
  ok({
    thing: params.thing,
    n: query.n,
    word: body.word,
    user: user.safeUsername,
    kind: user.kind,
  }),
);
const boom = handler({ ...echoRoute, id: "boom" }, async () => {
  throw new Error("database password is hunter2");
});
const echoCall = (headers: Record<string, string>, body: unknown = { word: "hi" }, thing = "abc") =>
  invoke(echo, {
    method: "POST",
    path: `/notebooks/echo/${thing}`,
    pathParameters: { thing },
    headers,
    body,
  });

describe("the shared HTTP stack", () => {
  let logs: string[];
  beforeEach(() => {
    logs = useTestDeps({ NB_ANONYMOUS_SESSIONS_ENABLED: "true" }).logs;
  });
  afterEach(() => installTestDeps(undefined));

  describe("authentication", () => {
    it("answers 401 with the reference message without headers", async () => {
      const r = await invoke(listServers, { path: "/notebooks/servers" });
      expect(r.status).toBe(401);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.json.error.code).toBe(1401);
      expect(r.json.error.message).toBe(AUTH_MESSAGE);
      expect(r.json.error.detail).toContain("Renku-Auth-Anon-Id");
    });

    it("does not accept an Authorization header alone", async () => {
      const r = await invoke(listServers, {
        path: "/notebooks/servers",
        headers: { authorization: "token xyz" },
      });
      expect(r.status).toBe(401);
    });

    it("requires git credentials from registered users", async () => {
      const { "renku-auth-git-credentials": _, ...noGit } = alice;
      const r = await echoCall(noGit);
      expect(r.status).toBe(401);
      expect(r.json.error.message).toBe(GIT_MESSAGE);
    });

    it.each([
      ["not base64 JSON", "%%%"],
      [
        "JSON without a token",
        Buffer.from('{"https://g": {"AuthorizationHeader": "bearer"}}').toString("base64"),
      ],
      ["an empty object", Buffer.from("{}").toString("base64")],
    ])("rejects git credentials that are %s", async (_label, value) => {
      const r = await echoCall({ ...alice, "renku-auth-git-credentials": value });
      expect(r.status).toBe(401);
      expect(r.json.error.message).toBe(GIT_MESSAGE);
    });

    it("rejects an ID token that is not a JWT", async () => {
      const r = await echoCall({ ...alice, "renku-auth-id-token": "garbage" });
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe(1401);
    });

    it("accepts a registered user whose refresh token is absent (D8)", async () => {
      const { "renku-auth-refresh-token": _, ...noRefresh } = alice;
      const r = await echoCall(noRefresh);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ user: "alice", kind: "registered" });
    });

    it("accepts header names in any case, as gateways may send them", async () => {
      const upper = Object.fromEntries(Object.entries(alice).map(([k, v]) => [k.toUpperCase(), v]));
      expect((await echoCall(upper)).status).toBe(200);
    });

    it("accepts anonymous users when anonymous sessions are enabled", async () => {
      const r = await echoCall(anonHeaders("anon-Abc_123.x"));
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ kind: "anonymous", user: "anon-2dabc-5f123-2ex" });
    });

    it.each([
      ["an empty id", ""],
      ["a leading dash", "-anon"],
      ["a trailing dot", "anon."],
      ["a slash", "anon/1"],
      ["64 characters", `a${"b".repeat(63)}`],
      ["non-ASCII", "anön"],
    ])("rejects an anonymous id with %s (D9)", async (_label, id) => {
      expect((await echoCall(anonHeaders(id))).status).toBe(401);
    });

    it("rejects anonymous users when anonymous sessions are disabled", async () => {
      useTestDeps({ NB_ANONYMOUS_SESSIONS_ENABLED: "false" });
      expect((await echoCall(anonHeaders("anon-abc"))).status).toBe(401);
    });

    it("authenticates before it validates (D4)", async () => {
      const r = await invoke(createServer, {
        method: "POST",
        path: "/notebooks/servers",
        rawBody: "{not json",
        headers: { "content-type": "application/json" },
      });
      expect(r.status).toBe(401);
    });
  });

  describe("request validation", () => {
    it("answers 422 code 1422 naming each bad field", async () => {
      const r = await invoke(createServer, {
        method: "POST",
        path: "/notebooks/servers",
        headers: alice,
        body: { namespace: 3, commit_sha: "zz", colour: "red" },
      });
      expect(r.status).toBe(422);
      expect(r.json.error.code).toBe(1422);
      const detail: string = r.json.error.detail;
      expect(detail).toContain("Field 'namespace' has errors:");
      expect(detail).toContain("Field 'project' has errors: Missing data for required field.");
      expect(detail).toContain("Field 'commit_sha' has errors:");
      expect(detail).toContain("Field 'colour' has errors: Unknown field.");
    });

    it("answers 422 for malformed JSON without echoing it", async () => {
      const r = await invoke(createServer, {
        method: "POST",
        path: "/notebooks/servers",
        headers: { ...alice, "content-type": "application/json" },
        rawBody: '{"namespace": "secret-value',
      });
      expect(r.status).toBe(422);
      expect(r.json.error.detail).toBe("The request body is not valid JSON.");
      expect(r.text).not.toContain("secret-value");
    });

    it("answers 415 for a body that is not JSON", async () => {
      const r = await invoke(createServer, {
        method: "POST",
        path: "/notebooks/servers",
        headers: { ...alice, "content-type": "text/plain" },
        rawBody: "namespace=a",
      });
      expect(r.status).toBe(415);
      expect(r.json.error.code).toBe(1415);
    });

    it("accepts JSON content types with parameters", async () => {
      const r = await invoke(echo, {
        method: "POST",
        path: "/notebooks/echo/abc",
        pathParameters: { thing: "abc" },
        headers: { ...alice, "content-type": "application/json; charset=utf-8" },
        rawBody: '{"word":"x"}',
      });
      expect(r.status).toBe(200);
    });

    it("answers 413 for an oversized body", async () => {
      const r = await echoCall(alice, { word: "x".repeat(3 * 1024 * 1024) });
      expect(r.status).toBe(413);
    });

    it("validates path and query parameters too", async () => {
      const badPath = await echoCall(alice, { word: "x" }, "toolong");
      expect(badPath.status).toBe(422);
      expect(badPath.json.error.detail).toContain("Field 'thing'");
      const badQuery = await invoke(echo, {
        method: "POST",
        path: "/notebooks/echo/abc",
        pathParameters: { thing: "abc" },
        query: { n: "-1" },
        headers: alice,
        body: { word: "x" },
      });
      expect(badQuery.status).toBe(422);
      expect(badQuery.json.error.detail).toContain("Field 'n'");
    });

    it("decodes percent-encoded path parameters", async () => {
      const r = await echoCall(alice, { word: "x" }, "a%2Fb");
      expect(r.json.thing).toBe("a/b");
    });
  });

  describe("routing and failures", () => {
    it("answers unknown routes with 404 in the error format", async () => {
      const r = await invoke(notFound, { path: "/notebooks/nope" });
      expect(r.status).toBe(404);
      expect(r.json.error.code).toBe(1404);
    });

    it("points a newcomer at the API page from / and /docs", async () => {
      for (const path of ["/", "/docs", "/notebooks"]) {
        const r = await invoke(notFound, { path });
        expect(r.status, path).toBe(404);
        expect(r.json.error.detail, path).toBe("The API is described at /notebooks/docs.");
      }
    });

    it("answers a known route with another method with 405 and Allow", async () => {
      const r = await invoke(notFound, { method: "PUT", path: "/notebooks/servers/abc" });
      expect(r.status).toBe(405);
      expect(r.json.error.code).toBe(1405);
      expect(r.headers.allow?.split(", ").sort()).toEqual(["DELETE", "GET", "PATCH"]);
    });

    it("hides an unexpected exception behind 500 code 2000 and logs it", async () => {
      const r = await invoke(boom, {
        method: "POST",
        path: "/notebooks/echo/abc",
        pathParameters: { thing: "abc" },
        headers: alice,
        body: { word: "x" },
      });
      expect(r.status).toBe(500);
      expect(r.json).toEqual({
        error: {
          code: 2000,
          message: "You have found a bug",
          detail: "Please report this to the Renku maintainers.",
        },
      });
      expect(r.text).not.toContain("hunter2");
      expect(logs.join("")).toContain("unexpected error");
    });

    it("reports a bad configuration as 500 code 2001 and names the variables in the log", async () => {
      installTestDeps(undefined);
      const saved = process.env.NB_SESSIONS__CULLING__REGISTERED__IDLE_SECONDS;
      process.env.NB_SESSIONS__CULLING__REGISTERED__IDLE_SECONDS = "soon";
      try {
        const { getConfig } = await import("../../../lib/config/load.js");
        expect(() => getConfig()).toThrow(/NB_SESSIONS__CULLING__REGISTERED__IDLE_SECONDS/);
        const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
        const r = await invoke(listServers, { path: "/notebooks/servers" });
        const written = stderr.mock.calls.map((c) => String(c[0])).join("");
        stderr.mockRestore();
        expect(r.status).toBe(500);
        expect(r.json.error.code).toBe(2001);
        // The caller gets the generic message; the operator's log names the variable and why.
        expect(r.text).not.toContain("NB_SESSIONS__CULLING");
        expect(written).toContain("NB_SESSIONS__CULLING__REGISTERED__IDLE_SECONDS");
      } finally {
        if (saved === undefined) delete process.env.NB_SESSIONS__CULLING__REGISTERED__IDLE_SECONDS;
        else process.env.NB_SESSIONS__CULLING__REGISTERED__IDLE_SECONDS = saved;
      }
    });

    it("answers with the documented error before the Lambda time limit", async () => {
      // A handler that never ends: only the time limit can answer, however busy the machine.
      const slow = handler({ ...echoRoute, id: "slow" }, () => new Promise<never>(() => {}));
      const context = { ...lambdaContext(), getRemainingTimeInMillis: () => 1600 };
      const event = apiEvent({
        method: "POST",
        path: "/notebooks/echo/abc",
        pathParameters: { thing: "abc" },
        headers: alice,
        body: { word: "x" },
      });
      const result = (await withTestDeps(slow)(event, context)) as {
        statusCode: number;
        body: string;
      };
      expect(result.statusCode).toBe(504);
      expect(JSON.parse(result.body).error.code).toBe(3504);
    });

    it("tags every response with the request id", async () => {
      const r = await echoCall(alice);
      expect(r.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(logs.some((l) => l.includes(r.headers["x-request-id"] as string))).toBe(true);
    });
  });

  it("never writes a header secret to the logs, on any path", async () => {
    const secrets = {
      access: "ACCESS-SECRET-1f2e",
      refresh: "REFRESH-SECRET-9a8b",
      git: "GIT-SECRET-7c6d",
    };
    const headers: Record<string, string> = {
      ...registeredHeaders({ username: "bob", accessToken: secrets.access, gitToken: secrets.git }),
      "renku-auth-refresh-token": secrets.refresh,
    };
    await echoCall(headers);
    await echoCall(headers, { word: 5 });
    await echoCall({ ...headers, "renku-auth-git-credentials": gitCredentials("x", "") });
    await invoke(boom, {
      method: "POST",
      path: "/notebooks/echo/abc",
      pathParameters: { thing: "abc" },
      headers,
      body: { word: "x" },
    });
    await invoke(createServer, {
      method: "POST",
      path: "/notebooks/servers",
      headers,
      rawBody: "{",
    });
    // Issue 14: tokens with characters no header may carry are refused before any use, and an
    // error that quotes one (fetch's TypeError does) is logged redacted.
    await echoCall({ ...headers, "renku-auth-access-token": `${secrets.access}\r\nX: 1` });
    await echoCall({ ...headers, "renku-auth-refresh-token": `${secrets.refresh}\u0000` });
    await echoCall({
      ...headers,
      "renku-auth-git-credentials": gitCredentials("https://g", `${secrets.git}\u0000`),
    });
    const quoting = handler({ ...echoRoute, id: "quoting" }, async () => {
      await fetch("http://127.0.0.1:9/", {
        headers: { authorization: `Bearer ${secrets.access}\r\nX: 1` },
      });
      return ok({});
    });
    const quoted = await invoke(quoting, {
      method: "POST",
      path: "/notebooks/echo/abc",
      pathParameters: { thing: "abc" },
      headers,
      body: { word: "x" },
    });
    expect(quoted.status).toBe(500);
    expect(logs.join("")).toContain("is an invalid header value");
    const all = logs.join("\n");
    expect(logs.length).toBeGreaterThan(4);
    for (const secret of Object.values(secrets)) expect(all).not.toContain(secret);
    expect(all).not.toContain(headers["renku-auth-id-token"] as string);
    expect(all).not.toContain(headers["renku-auth-git-credentials"] as string);
  });
});

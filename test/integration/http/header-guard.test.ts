/**
 * Issue 24 through the real middy stack: every header and cookie has a bounded size (the
 * `_renku_session` cookie included, 900 KiB of which once went into a Secret), an identity header
 * sent twice is refused the same way in every form it can arrive in, and every answer carries the
 * security headers a browser needs.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as docs } from "../../../functions/docs.js";
import type { LambdaHandler } from "../../../lib/http/handler.js";
import { HEADER_LIMITS } from "../../../lib/http/middleware/header-guard.js";
import { withTestDeps } from "../../helpers/deps.js";
import { apiEvent, invoke, lambdaContext, type Response } from "../../helpers/events.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { call, ENDPOINTS, endpoint } from "../reliability/endpoints.js";
import { HELLO } from "../sessions/launch.js";

let stack: SessionStack;
beforeAll(async () => {
  stack = await startSessionStack();
});
afterAll(async () => {
  await stack?.stop();
});

const list = endpoint("serversList");
const upstreamCalls = () => stack.cluster.requests.length + stack.gitlab.calls.length;
const TOO_LARGE = { code: 1431, message: "One or more header fields exceeds the maximum size." };

/** The same request as a payload 1.0 event would carry it: each header with all its values. */
async function multiValue(headers: Record<string, string[]>): Promise<Response> {
  const event = {
    ...apiEvent({ path: "/notebooks/servers", headers: {} }),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.at(-1) ?? ""])),
    multiValueHeaders: headers,
  };
  const result = await withTestDeps(list.main as LambdaHandler)(event, lambdaContext());
  const text = result.body ?? "";
  return { status: result.statusCode ?? 200, headers: {}, text, json: JSON.parse(text) };
}

describe("an identity header sent twice", () => {
  const anon = (detail: string) => ({
    error: { code: 1401, message: expect.any(String), detail },
  });

  it("a single anonymous id is taken (the control)", async () => {
    expect((await call(list, { headers: anonHeaders("anon-dup-a") })).status).toBe(200);
  });

  it("is the same 401 as API Gateway's comma-joined value, two keys of different case, or a multi-value event", async () => {
    const before = upstreamCalls();
    const detail = (name: string) => `The authentication header ${name} was sent more than once.`;
    const joined = await call(list, { headers: { "renku-auth-anon-id": "anon-dup-a,anon-dup-b" } });
    const cased = await call(list, {
      headers: { "Renku-Auth-Anon-Id": "anon-dup-a", "renku-auth-anon-id": "anon-dup-b" },
    });
    const multi = await multiValue({ "Renku-Auth-Anon-Id": ["anon-dup-a", "anon-dup-b"] });
    for (const res of [joined, cased, multi]) expect(res.status).toBe(401);
    expect(joined.json).toEqual(anon(detail("renku-auth-anon-id")));
    expect(cased.json).toEqual(anon(detail("renku-auth-anon-id")));
    expect(multi.json).toEqual(anon(detail("Renku-Auth-Anon-Id")));
    expect(new Set([joined, cased, multi].map((r) => r.json.error.message)).size).toBe(1);
    expect(upstreamCalls()).toBe(before);
  });

  it("a registered user's ID token twice is refused alike", async () => {
    const h = registeredHeaders({ username: "alice" });
    const other = registeredHeaders({ username: "bob" });
    const res = await call(list, {
      headers: { ...h, "Renku-Auth-Id-Token": other["renku-auth-id-token"] as string },
    });
    expect(res.status).toBe(401);
    expect(res.json.error.detail).toBe(
      "The authentication header Renku-Auth-Id-Token was sent more than once.",
    );
  });
});

describe("bounded headers and cookies", () => {
  it("a header over the limit is a 431 on every route (after authentication), before any upstream call", async () => {
    const before = upstreamCalls();
    const big = "h".repeat(HEADER_LIMITS.value + 1);
    for (const e of [list, endpoint("health"), endpoint("serversCreate")]) {
      const res = await call(e, { headers: { ...anonHeaders("anon-big"), "x-big": big } });
      expect(res.status, e.id).toBe(431);
      expect(res.json.error).toEqual({
        ...TOO_LARGE,
        detail: "The header x-big is larger than the service accepts.",
      });
    }
    const token = await call(list, {
      headers: { ...registeredHeaders({ username: "alice" }), "renku-auth-refresh-token": big },
    });
    expect(token.status).toBe(431);
    expect(upstreamCalls()).toBe(before);
  });

  it("headers within each limit but over the total are a 431", async () => {
    const headers: Record<string, string> = anonHeaders("anon-many");
    for (let i = 0; i < 5; i++) headers[`x-h${i}`] = "h".repeat(HEADER_LIMITS.value - 100);
    const res = await call(list, { headers });
    expect(res.status).toBe(431);
    expect(res.json.error.detail).toBe("The request's headers is larger than the service accepts.");
  });

  it.each([
    ["just over the limit", HEADER_LIMITS.cookie],
    ["of 900 KiB", 900 * 1024],
  ])("a _renku_session cookie %s is a 431, and nothing is created", async (_label, size) => {
    const before = stack.cluster.requests.filter((r) => r.method === "POST").length;
    const res = await call(endpoint("serversCreate"), {
      headers: { ...anonHeaders("anon-cookie"), cookie: `a=1; _renku_session=${"c".repeat(size)}` },
      body: { namespace: "renku-demo", project: "hello-world", commit_sha: HELLO.master },
    });
    expect(res.status).toBe(431);
    expect(res.json.error.detail).toBe(
      "The cookie _renku_session is larger than the service accepts.",
    );
    expect(stack.cluster.requests.filter((r) => r.method === "POST").length).toBe(before);
  });

  it("a session cookie within the limit is taken, whether in `cookies` or a Cookie header", async () => {
    const cookie = `_renku_session=${"c".repeat(HEADER_LIMITS.cookie - 100)}`;
    const res = await call(list, { headers: { ...anonHeaders("anon-cookie"), cookie } });
    expect(res.status).toBe(200);
    const raw = apiEvent({ path: "/notebooks/servers", headers: anonHeaders("anon-cookie") });
    const tooBig = await withTestDeps(list.main as LambdaHandler)(
      { ...raw, headers: { ...raw.headers, Cookie: `${cookie}${"c".repeat(200)}` } },
      lambdaContext(),
    );
    expect(tooBig.statusCode).toBe(431);
  });
});

describe("security headers", () => {
  it("every endpoint's answer, errors included, forbids sniffing, framing, referrers and content", async () => {
    for (const e of ENDPOINTS) {
      const res = await call(e, { headers: anonHeaders("anon-headers") });
      expect(res.headers, e.id).toMatchObject({
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "content-security-policy":
          "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      });
    }
  });

  it("the API page's policy allows exactly its own inline scripts and style", async () => {
    const res = await invoke(docs, { path: "/notebooks/docs" });
    expect(res.status).toBe(200);
    const hash = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
    const inline = (tag: string) =>
      [...res.text.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map(
        (m) => m[1] ?? "",
      );
    const scripts = inline("script");
    const styles = inline("style");
    expect(scripts).toHaveLength(2);
    expect(res.headers["content-security-policy"]).toBe(
      `default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; script-src ${scripts.map(hash).join(" ")}; style-src ${styles.map(hash).join(" ")}; img-src 'self' data:; connect-src 'self'`,
    );
    expect(res.headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "no-referrer",
    });
  });
});

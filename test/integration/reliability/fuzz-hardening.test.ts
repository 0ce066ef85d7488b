/**
 * Issue 24's fuzz, through the real middy stack (local cluster, GitLab double):
 * - header smuggling: identity headers repeated (API Gateway's comma-joined value, keys in other
 *   cases, a multi-value event), folded, in mixed case: one 401 for every repetition, nothing
 *   sent upstream; a single header in any case is taken;
 * - cookies of every size and shape: within the limits taken, over them a 431, never a 5xx, and
 *   the session cookie never in an answer or a log line;
 * - event messages holding every secret form, written into the cluster as the session's pod's
 *   events: the events endpoint scrubs each secret and keeps the session's own names; the same
 *   messages as errors in the log are scrubbed too.
 * Seeded from FUZZ_SEED when set, else a random seed printed below to replay with.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as createServer } from "../../../functions/servers/create.js";
import type { LambdaHandler } from "../../../lib/http/handler.js";
import { HEADER_LIMITS } from "../../../lib/http/middleware/header-guard.js";
import { withTestDeps } from "../../helpers/deps.js";
import { apiEvent, invoke, lambdaContext } from "../../helpers/events.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { anonHeaders } from "../../helpers/users.js";
import { sessionsApi } from "../sessions/api.js";
import { HELLO } from "../sessions/launch.js";
import { call, endpoint } from "./endpoints.js";

const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

let stack: SessionStack;
beforeAll(async () => {
  console.log(`fuzz-hardening seed: ${SEED} (replay with FUZZ_SEED=${SEED}), ${RUNS} runs`);
  stack = await startSessionStack();
});
afterAll(async () => {
  await stack?.stop();
});

const list = endpoint("serversList");
const upstreamCalls = () => stack.cluster.requests.length + stack.gitlab.calls.length;
const run = <T extends unknown[]>(prop: fc.IAsyncPropertyWithHooks<T>) =>
  fc.assert(prop, { seed: SEED, numRuns: RUNS, endOnFailure: true });

/** A header name in some mix of upper and lower case. */
const cased = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((ups) => [...name].map((ch, i) => (ups[i] ? ch.toUpperCase() : ch)).join(""));
const anonId = fc.stringMatching(/^anon-[a-z0-9]{1,20}$/);

describe("header smuggling", () => {
  it("an identity header repeated in any form is one 401, before any upstream call", async () => {
    const form = fc.constantFrom("joined", "cased", "multi");
    await run(
      fc.asyncProperty(
        anonId,
        anonId,
        cased("Renku-Auth-Anon-Id"),
        cased("renku-auth-anon-id"),
        form,
        async (a, b, name1, name2, how) => {
          const before = upstreamCalls();
          let status: number;
          let body: { error: { code: number; detail: string } };
          if (how === "multi") {
            const event = {
              ...apiEvent({ path: "/notebooks/servers", headers: { [name1]: b } }),
              multiValueHeaders: { [name1]: [a, b] },
            };
            const res = await withTestDeps(list.main as LambdaHandler)(event, lambdaContext());
            status = res.statusCode ?? 200;
            body = JSON.parse(res.body ?? "{}");
          } else {
            // Two spellings that differ only in case are two keys; the same spelling is joined.
            const headers =
              how === "joined" || name1 === name2
                ? { [name1]: `${a},${b}` }
                : { [name1]: a, [name2]: b };
            const res = await call(list, { headers });
            status = res.status;
            body = res.json;
          }
          expect(status).toBe(401);
          expect(body.error.code).toBe(1401);
          expect(body.error.detail).toMatch(
            /^The authentication header .+ was sent more than once\.$/,
          );
          expect(upstreamCalls()).toBe(before);
        },
      ),
    );
  }, 120_000);

  it("a folded or padded identity header is a 401; a single one in any case is taken", async () => {
    const fold = fc.constantFrom("\r\n ", "\r\n\t", "\n ", " ", "\t", "\u0000");
    await run(
      fc.asyncProperty(anonId, anonId, cased("Renku-Auth-Anon-Id"), fold, async (a, b, name, f) => {
        const before = upstreamCalls();
        const folded = await call(list, { headers: { [name]: `${a}${f}${b}` } });
        expect(folded.status).toBe(401);
        expect(upstreamCalls()).toBe(before);
        expect((await call(list, { headers: { [name]: a } })).status).toBe(200);
      }),
    );
  }, 120_000);
});

describe("cookies", () => {
  const cookieChar = fc.constantFrom(..."abcXYZ019-_.~%=\"'|/+:,! ");
  const cookie = fc.record({
    name: fc.oneof(
      fc.constantFrom("_renku_session", "session", "a"),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
    ),
    value: fc.oneof(
      fc.string({ unit: cookieChar, maxLength: 200 }),
      fc
        .tuple(cookieChar, fc.integer({ min: 1, max: HEADER_LIMITS.cookie + 500 }))
        .map(([c, n]) => c.repeat(n)),
    ),
  });

  it("within the limits an anonymous caller is taken; over them a 431; never a 5xx, never echoed", async () => {
    await run(
      fc.asyncProperty(
        fc.array(cookie, { maxLength: 12 }),
        fc.boolean(),
        async (cookies, asHeader) => {
          const marker = `ck${randomUUID().slice(0, 8)}`;
          const pairs = cookies.map(
            (c, i) => `${c.name}=${i === 0 ? marker : ""}${c.value.replace(/;/g, "")}`,
          );
          const logStart = stack.logs.length;
          const headers: Record<string, string> = anonHeaders("anon-cookies");
          const raw = apiEvent({ path: "/notebooks/servers", headers });
          const event = asHeader
            ? { ...raw, headers: { ...raw.headers, Cookie: pairs.join("; ") } }
            : { ...raw, cookies: pairs };
          const res = await withTestDeps(list.main as LambdaHandler)(event, lambdaContext());
          const sizes = pairs.map((p) => p.trim().length);
          const total =
            sizes.reduce((s, n) => s + n, 0) +
            Object.entries(event.headers).reduce((s, [k, v]) => s + k.length + String(v).length, 0);
          const over = sizes.some((n) => n > HEADER_LIMITS.cookie) || total > HEADER_LIMITS.total;
          expect(res.statusCode).toBe(over ? 431 : 200);
          const text = `${JSON.stringify(res.headers)}${res.body}${stack.logs.slice(logStart).join("")}`;
          if (cookies.length > 0) expect(text).not.toContain(marker);
        },
      ),
    );
  }, 120_000);
});

describe("event messages with every secret form", () => {
  const token = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `Zq9${s}`);
  const awsKey = fc
    .stringMatching(/^[A-Za-z0-9/+]{37}$/)
    .map((s) => `${s.slice(0, 18)}aZ7${s.slice(18)}`.slice(0, 40));
  /** [message part, the secrets it holds]. */
  const secretPart = fc.oneof(
    fc.tuple(token, token).map(([u, s]) => [`https://${u}:${s}@gitlab.example.org/a/b.git`, [s]]),
    token.map((s) => [`token: ${s}`, [s]]),
    token.map((s) => [`--token=${s}`, [s]]),
    token.map((s) => [`"password":"${s}"`, [s]]),
    awsKey.map((k) => [`aws_secret_access_key=${k}`, [k]]),
    awsKey.map((k) => [`key ${k}`, [k]]),
    fc.tuple(token, token).map(([a, b]) => [`Cookie: x=1; _renku_session=${a}%3D|${b}`, [a, b]]),
    token.map((s) => [`Authorization: Bearer ${s}`, [s]]),
    token.map((s) => [`glpat-${s}`, [s]]),
    fc
      .tuple(token, token)
      .map(([a, b]) => [`eyJhbGciOiJSUzI1NiJ9.${a}${a}${a}.${b}${b}${b}`, [a, b]]),
  ) as fc.Arbitrary<[string, string[]]>;
  const filler = fc.string({ unit: fc.constantFrom(..."abc XYZ.:/-_0123"), maxLength: 30 });
  const sep = fc.constantFrom(" ", "\n", ", ", "; ", " | ");

  let name: string;
  let podUid: string;
  const api = sessionsApi(anonHeaders("anonfuzzevents01"));

  beforeAll(async () => {
    const res = await invoke(createServer, {
      method: "POST",
      path: "/notebooks/servers",
      headers: anonHeaders("anonfuzzevents01"),
      body: { namespace: "renku-demo", project: "hello-world", commit_sha: HELLO.master },
    });
    expect(res.status).toBe(201);
    name = res.json.name;
    await stack.cluster.amalthea.settle();
    const pod = await stack.deps.k8s.getPod(`${name}-0`);
    podUid = pod?.metadata?.uid ?? "";
    expect(podUid).not.toBe("");
  });

  it("the events endpoint scrubs each secret and keeps the session's own names", async () => {
    await run(
      fc.asyncProperty(
        fc.array(fc.tuple(secretPart, filler, sep), { minLength: 1, maxLength: 5 }),
        async (parts) => {
          const own = `Successfully assigned renku/${name}-0 to node-1; StatefulSet ${name}`;
          const message = [own, ...parts.map(([[text], f, s]) => `${f}${s}${text}${s}`)].join(" ");
          const secrets = parts.flatMap(([[, held]]) => held);
          const reason = `Fuzz${randomUUID().slice(0, 8)}`;
          const now = new Date().toISOString();
          stack.cluster.bulkLoad([
            {
              apiVersion: "v1",
              kind: "Event",
              metadata: { name: `${name}-0.${randomUUID().slice(0, 12)}`, namespace: "renku" },
              involvedObject: { kind: "Pod", name: `${name}-0`, namespace: "renku", uid: podUid },
              reason,
              message,
              type: "Warning",
              count: 1,
              firstTimestamp: now,
              lastTimestamp: now,
            },
          ]);
          const res = await api.events(name);
          expect(res.status).toBe(200);
          const got = (res.json.events as { reason: string; message: string }[]).find(
            (e) => e.reason === reason,
          );
          expect(got?.message).toContain(own);
          for (const secret of secrets) expect(got?.message).not.toContain(secret);

          // The same text as an error's message, logged by the service's logger.
          const logStart = stack.logs.length;
          stack.deps.log.warn({ err: new Error(message) }, "upstream failed");
          const lines = stack.logs.slice(logStart);
          expect(lines).toHaveLength(1);
          for (const secret of secrets) expect(lines.join("")).not.toContain(secret);
        },
      ),
    );
  }, 180_000);
});

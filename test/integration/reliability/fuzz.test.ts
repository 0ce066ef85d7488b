/**
 * Property-based fuzzing of every endpoint through the real middy stack, against the local cluster,
 * the GitLab double and a counting proxy in front of the registry. Invariants: never a 5xx; every
 * answer in the documented error or success shape; nothing reaches an upstream without
 * authentication; no secret from the request shows up in a response or a log line; errors stay
 * small. Long strings and many-key objects (issue 14) are among the inputs.
 * Replay a failure with FUZZ_SEED=<seed printed below> (and the path fast-check prints).
 */
import fc from "fast-check";
import { UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { errorBody } from "../../../lib/api/requests.js";
import { authenticate } from "../../../lib/auth/authenticate.js";
import type { Response } from "../../helpers/events.js";
import { fuzzSeed } from "../../helpers/fuzz-seed.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { gitCredentials, registeredHeaders } from "../../helpers/users.js";
import { type RegistryProxy, startRegistryProxy } from "../../local/registry/index.js";
import { type Call, call, ENDPOINTS, type Endpoint } from "./endpoints.js";

/** Cases per endpoint; 14 endpoints x 750 > 10,000 in all. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 750);
const SEED = fuzzSeed(`reliability/fuzz.test.ts, ${RUNS} runs per endpoint`);
const BIG = "x".repeat(1024 * 1024);
const TEN_KB = "n".repeat(10 * 1024);

let stack: SessionStack;
let proxy: RegistryProxy;

beforeAll(async () => {
  const registries = inject("registries");
  proxy = await startRegistryProxy({ target: registries.open.url });
  stack = await startSessionStack({
    env: {
      NB_REGISTRY__ALLOWED_HOSTS: JSON.stringify([registries.open.host, proxy.host]),
      NB_REGISTRY__PLAIN_HTTP_HOSTS: JSON.stringify([registries.open.host, proxy.host]),
      NB_LOG_LEVEL: "debug",
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
});

// ---- secrets: every secret the generators emit carries a unique marker we can search for ----
let counter = 0;
const marker = () =>
  `S3CR3T${(++counter).toString(36)}Z${Math.floor(Math.random() * 1e9).toString(36)}`;
/** A secret with fuzz around it; the marker alone is what must never leak. */
const secretArb = fc
  .tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }))
  .map(([a, b]) => ({ value: `${a}${marker()}${b}` }))
  .map((s) => ({ ...s, marker: /S3CR3T[0-9a-z]+Z[0-9a-z]+/.exec(s.value)?.[0] ?? "" }));

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    "..",
    "../..",
    "%2e%2e%2f",
    "a%2Fb",
    "a/b",
    "%",
    "%zz",
    "\u0000",
    "\r\n",
    "\u202e",
    "💥",
    "null",
    "undefined",
    "__proto__",
    "constructor",
    TEN_KB,
  ),
);

/**
 * Issue 14: long runs of one character ending in one that breaks the pattern, the shape that
 * makes a backtracking regex take seconds (e.g. a quantity of 80k digits and a "!").
 */
const longString = fc
  .tuple(
    fc.integer({ min: 1_000, max: 60_000 }),
    fc.constantFrom("1", "a", " ", ".", "/", "-", "é", "\u0000", "\r\n", "1 "),
    fc.constantFrom("!", "", "x", "\n"),
  )
  .map(([n, run, end]) => run.repeat(Math.ceil(n / run.length)) + end);

/** Objects of many keys (the 184k-key body answered 7.8 MB): unknown ones, or env variables. */
const manyKeys = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom("k", "1X", "A=", "V_", "__proto__"))
  .map(([n, prefix]) => {
    const out: Record<string, string> = {};
    for (let i = 0; i < n; i++) out[`${prefix}${i}`] = "v";
    return out;
  });

const b64 = (s: string) => Buffer.from(s).toString("base64");
const jwtOf = (claims: Record<string, unknown>) => new UnsecuredJWT(claims).encode();

/** Header sets: valid and broken gateway headers of every kind. */
const authArb = fc.oneof(
  fc.constant({ headers: {} as Record<string, string>, secrets: [] as string[] }),
  // valid registered user (alice's token matches the seed)
  fc.tuple(secretArb, secretArb).map(([a, r]) => {
    const h = registeredHeaders({ username: "alice", accessToken: a.value });
    h["renku-auth-refresh-token"] = r.value;
    return { headers: h, secrets: [a.marker, r.marker, "glpat-alice-secret"] };
  }),
  // valid anonymous id, or a fuzzed one
  fc.oneof(fc.constantFrom("anon-fuzz-1", "A", "a.b_c-d"), nasty).map((id) => ({
    headers: { "Renku-Auth-Anon-Id": id } as Record<string, string>,
    secrets: [] as string[],
  })),
  // registered headers with each part broken in turn
  fc
    .record({
      access: secretArb,
      git: secretArb,
      id: fc.oneof(
        nasty,
        fc.constant("a.b.c"),
        fc.constant("e30.e30."),
        nasty.map((s) => `${b64(s)}.${b64(s)}.${b64(s)}`),
        fc.record({ preferred_username: nasty, sub: nasty }, { requiredKeys: [] }).map(jwtOf),
        fc.jsonValue().map((v) => `${b64('{"alg":"none"}')}.${b64(JSON.stringify(v))}.`),
      ),
      creds: fc.oneof(
        nasty,
        nasty.map(b64),
        fc.jsonValue().map((v) => b64(JSON.stringify(v))),
        fc.constant(b64("{}")),
        fc.constant(b64('{"https://x":{"AuthorizationHeader":"bearer"}}')),
        nasty.map((s) => b64(JSON.stringify({ [s]: { AuthorizationHeader: 7 } }))),
      ),
      upper: fc.boolean(),
    })
    .map(({ access, git, id, creds, upper }) => {
      const credsWithSecret = fc.sample(fc.boolean(), 1)[0]
        ? gitCredentials("https://gitlab.example.org", git.value)
        : creds;
      const name = (h: string) => (upper ? h.toUpperCase() : h);
      return {
        headers: {
          [name("renku-auth-access-token")]: access.value,
          [name("renku-auth-id-token")]: id,
          [name("renku-auth-git-credentials")]: credsWithSecret,
        } as Record<string, string>,
        secrets: [access.marker, git.marker],
      };
    }),
);

const headerName = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,30}$/);
const extraHeadersArb = fc.dictionary(
  headerName.filter((k) => !k.toLowerCase().startsWith("renku-auth")),
  fc.oneof(nasty, fc.constant("h".repeat(8 * 1024))),
  { maxKeys: 4 },
);

const paramArb = fc.oneof(
  nasty,
  longString,
  fc.constantFrom(
    "alice-renku-2dhello-wo-f1ea3357",
    "renku-demo%2Fhello-world",
    "renku-demo/hello-world",
    "renku-demo%2F..%2Fsecret",
    "renku/autosave/alice/master/f1ea335/f1ea335",
  ),
);

const queryArb = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      "project",
      "namespace",
      "branch",
      "commit_sha",
      "forced",
      "max_lines",
      "image_url",
    ),
    fc.string({ maxLength: 10 }),
  ),
  fc.oneof(
    nasty,
    longString,
    fc.constantFrom("-1", "NaN", "1e309", "99999999999999999999", "true", "0x10", " 1", "1.5"),
    fc.constantFrom(
      "renku/singleuser:latest",
      "127.0.0.1:1/x:y",
      "::::",
      "a/b@sha256:zz",
      "PROXY/renku/singleuser:latest",
      "PROXY/nope:1",
    ),
  ),
  { maxKeys: 4 },
);

const numberArb = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-1, 0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 0.5),
);
const valueArb = fc.oneof(
  nasty,
  longString,
  manyKeys,
  numberArb,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);
const bodyObjectArb = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      "namespace",
      "project",
      "branch",
      "commit_sha",
      "image",
      "resource_class_id",
      "storage",
      "environment_variables",
      "serverOptions",
      "state",
      "cloudstorage",
      "lfs_auto_fetch",
      "default_url",
      "__proto__",
    ),
    fc.string({ maxLength: 10 }),
  ),
  valueArb,
  { maxKeys: 6 },
);
const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
const deepObj = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

/** What goes in the body: JSON values, or raw text the JSON stringifier could not produce. */
const bodyArb: fc.Arbitrary<{ body?: unknown; rawBody?: string; type?: string }> = fc.oneof(
  fc.constant({}),
  // A launch body whose strings are long, or whose variables or unknown keys are many.
  fc
    .record({
      field: fc.constantFrom(
        "namespace",
        "project",
        "branch",
        "commit_sha",
        "image",
        "default_url",
        "notebook",
      ),
      value: longString,
    })
    .map(({ field, value }) => ({
      body: {
        namespace: "renku-demo",
        project: "hello-world",
        commit_sha: "f".repeat(40),
        [field]: value,
      },
    })),
  fc
    .record({
      key: fc.constantFrom(
        "cpu_request",
        "mem_request",
        "disk_request",
        "gpu_request",
        "defaultUrl",
      ),
      value: longString,
    })
    .map(({ key, value }) => ({
      body: {
        namespace: "renku-demo",
        project: "hello-world",
        commit_sha: "f".repeat(40),
        serverOptions: { [key]: value },
      },
    })),
  manyKeys.map((vars) => ({
    body: {
      namespace: "renku-demo",
      project: "hello-world",
      commit_sha: "f".repeat(40),
      environment_variables: vars,
    },
  })),
  manyKeys.map((keys) => ({ body: { ...keys, state: "running" } })),
  bodyObjectArb.map((body) => ({ body })),
  fc.jsonValue().map((body) => ({ body })),
  fc.constantFrom(
    { rawBody: '{"resource_class_id": NaN}' },
    { rawBody: '{"storage": 1e999}' },
    { rawBody: '{"state": "running",' },
    { rawBody: deep(5000) },
    { rawBody: deepObj(5000) },
    { rawBody: JSON.stringify({ namespace: BIG, project: "p", commit_sha: "abcdef0" }) },
    { rawBody: JSON.stringify({ state: BIG }) },
    { rawBody: `"${BIG}${BIG}${BIG}"` },
    { rawBody: "\u0000\u0001" },
  ),
  fc
    .tuple(nasty, fc.constantFrom("text/plain", "application/xml", "", "application/json; x"))
    .map(([rawBody, type]) => ({ rawBody, type })),
);

const caseArb = fc.record({
  auth: authArb,
  extra: extraHeadersArb,
  params: fc.array(paramArb, { minLength: 3, maxLength: 3 }),
  query: fc.option(queryArb, { nil: undefined }),
  body: bodyArb,
});

const upstreamCount = () =>
  stack.cluster.requests.length + stack.gitlab.calls.length + proxy.requests();

function checkShape(e: Endpoint, res: Response) {
  expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
  const documented = e.route?.responses[res.status];
  if (res.status >= 400 && !(documented && !documented.schema)) {
    const parsed = errorBody.safeParse(res.json);
    expect(parsed.success, `not an error body: ${res.status} ${res.text.slice(0, 300)}`).toBe(true);
    return;
  }
  if (documented?.schema && res.json !== undefined) {
    const parsed = documented.schema.safeParse(res.json);
    expect(
      parsed.success,
      `not the documented ${res.status} shape: ${res.text.slice(0, 300)}`,
    ).toBe(true);
  }
  if (res.status < 400 && e.route) {
    expect(documented, `status ${res.status} is not documented for ${e.id}`).toBeDefined();
  }
}

const lowercase = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

describe("fuzzing every endpoint through the middy stack", () => {
  for (const e of ENDPOINTS) {
    it(`${e.method} ${e.path({})} (${e.id})`, async () => {
      const prop = fc.asyncProperty(caseArb, async (c) => {
        const headers = { ...c.extra, ...c.auth.headers };
        if (c.body.type !== undefined) headers["content-type"] = c.body.type;
        const query = c.query
          ? Object.fromEntries(
              Object.entries(c.query).map(([k, v]) => [k, v.replace("PROXY", proxy.host)]),
            )
          : undefined;
        const request: Call = { headers, query };
        request.params = Object.fromEntries(e.params.map((p, i) => [p, c.params[i] ?? "x"]));
        if (c.body.body !== undefined) request.body = c.body.body;
        if (c.body.rawBody !== undefined) request.rawBody = c.body.rawBody;

        const before = upstreamCount();
        const logStart = stack.logs.length;
        const res = await call(e, request);
        checkShape(e, res);
        // Errors stay small whatever the input (a 184k-key body once answered 7.8 MB).
        if (res.status >= 400) expect(res.text.length).toBeLessThan(16 * 1024);

        const authenticated = await authenticate(lowercase(headers), {
          anonymousEnabled: true,
        }).then(
          () => true,
          () => false,
        );
        if (e.route?.auth === "user" && !authenticated) {
          expect(res.status).toBe(401);
          expect(upstreamCount(), "an unauthenticated request reached an upstream").toBe(before);
        }
        if (res.status === 401) expect(upstreamCount()).toBe(before);

        const logText = stack.logs.slice(logStart).join("");
        const responseText = `${JSON.stringify(res.headers)}${res.text}`;
        for (const secret of c.auth.secrets) {
          if (!secret) continue;
          expect(responseText.includes(secret), "secret in the response").toBe(false);
          expect(logText.includes(secret), "secret in a log line").toBe(false);
        }
      });
      await fc.assert(prop, { seed: SEED, numRuns: RUNS, endOnFailure: true });
    }, 240_000);
  }
});

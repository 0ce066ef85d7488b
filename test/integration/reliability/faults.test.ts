/**
 * Faults injected by the local cluster, the GitLab double and a proxy in front of the registry:
 * every endpoint answers (no hang) with the documented 3xxx error, retries only idempotent calls,
 * and a failed POST leaves no session resource, secret or StatefulSet behind. The cluster faults
 * run once for each backend; the GitLab and registry faults, which no backend reaches, run once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { errorBody } from "../../../lib/api/requests.js";
import { loadConfig } from "../../../lib/config/load.js";
import { DEFAULT_RETRY_POLICY } from "../../../lib/gitlab/retry.js";
import { backendStack } from "../../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { withUpstreamTimeout } from "../../helpers/deps.js";
import type { Response } from "../../helpers/events.js";
import { registeredHeaders } from "../../helpers/users.js";
import type { FaultKind } from "../../local/cluster/index.js";
import type { FaultKind as GitLabFault } from "../../local/gitlab/index.js";
import { type RegistryProxy, startRegistryProxy } from "../../local/registry/index.js";
import { sessionState } from "./cluster-state.js";
import { type Call, call, type Endpoint, endpoint } from "./endpoints.js";

const HELLO = {
  namespace: "renku-demo",
  project: "hello-world",
  commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
};
const alice = registeredHeaders({ username: "alice" });
/**
 * The per-call timeout of the requests that meet an upstream that never answers (a stall or a
 * hang), so that they end quickly; every other request runs with the stack's generous one, which
 * no load reaches. The deployed default is checked below.
 */
const TIMEOUT_MS = 3000;
const HANGS = new Set(["stall", "hang"]);

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  const sessionsPath = new RegExp(kit.plural);
  let proxy: RegistryProxy;
  let session = "";

  beforeAll(async () => {
    proxy = await startRegistryProxy({ target: inject("registries").open.url });
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  const stack = backendStack(
    kit,
    () => {
      const hosts = JSON.stringify([inject("registries").open.host, proxy.host]);
      return {
        env: {
          NB_REGISTRY__ALLOWED_HOSTS: hosts,
          NB_REGISTRY__PLAIN_HTTP_HOSTS: hosts,
        },
      };
    },
    async () => {
      const res = await call(endpoint("serversCreate"), { headers: alice, body: HELLO });
      expect(res.status, res.text).toBe(201);
      session = res.json.name;
    },
  );
  beforeEach(() => {
    stack.cluster.faults.clear();
    stack.gitlab.clearFaults();
    proxy.setFault(undefined);
  });

  /** `fn` with the short upstream timeout when its request meets an upstream that never answers. */
  const shortTimeout = <T>(hangs: boolean, fn: () => Promise<T>): Promise<T> =>
    hangs ? withUpstreamTimeout(stack, TIMEOUT_MS, fn) : fn();

  /** A 5xx in the documented error format with an infrastructure (3xxx) code. */
  function expectInfrastructureError(res: Response) {
    expect(res.status, res.text).toBeGreaterThanOrEqual(500);
    const body = errorBody.parse(res.json);
    expect(body.error.code, res.text).toBeGreaterThanOrEqual(3000);
    expect(body.error.code).toBeLessThan(4000);
  }

  describe("client timeouts fit inside API Gateway's 29 s", () => {
    it("one upstream call, with GitLab's retry budget, ends well within it", () => {
      const config = loadConfig({
        NB_STAGE: "local",
        NB_SESSIONS__INGRESS__HOST: "sessions.example.org",
      });
      expect(config.upstream_timeout_ms + DEFAULT_RETRY_POLICY.maxRetryMs).toBeLessThan(29_000);
    });
  });

  const sessionCalls = (): Array<[string, Endpoint, Call]> => [
    ["list", endpoint("serversList"), {}],
    ["get", endpoint("serversGet"), { params: { server_name: session } }],
    [
      "patch",
      endpoint("serversPatch"),
      { params: { server_name: session }, body: { state: "running" } },
    ],
    ["logs", endpoint("logs"), { params: { server_name: session } }],
    ["delete", endpoint("serversDelete"), { params: { server_name: "not-there-at-all" } }],
    ["create", endpoint("serversCreate"), { body: { ...HELLO, branch: "main" } }],
  ];

  const CLUSTER_FAULTS: FaultKind[] = ["500", "503", "429", "reset", "stall", "slow-body"];

  describe("cluster faults", () => {
    for (const kind of CLUSTER_FAULTS) {
      for (const [op] of sessionCalls()) {
        it(`${op} with a cluster ${kind}: answers with a 3xxx error (or, for a slow body, normally)`, async () => {
          const [, e, c] = sessionCalls().find(([o]) => o === op) ?? [];
          if (!e || !c) throw new Error(op);
          const before = await sessionState(stack.cluster);
          // Every call to the sessions' resources fails once (the first call of each endpoint).
          stack.cluster.faults.inject({ kind, pathPattern: sessionsPath, times: 1 });
          const res = await shortTimeout(HANGS.has(kind), () => call(e, { ...c, headers: alice }));
          if (kind === "slow-body") {
            expect(res.status, res.text).toBeLessThan(500);
          } else {
            expectInfrastructureError(res);
            // Nothing was made or removed by a request that failed at its first step.
            stack.cluster.faults.clear();
            expect(await sessionState(stack.cluster)).toEqual(before);
          }
        });
      }
    }
  });

  describe("a POST failing at each step leaves nothing behind", () => {
    const steps: Array<[string, () => void]> = [
      [
        "the existing-session lookup",
        () =>
          stack.cluster.faults.inject({
            kind: "503",
            method: "GET",
            // The caller's sessions are listed (names, idempotency).
            pathPattern: new RegExp(`${kit.plural}\\?`),
          }),
      ],
      [
        "the GitLab project lookup",
        () => stack.gitlab.injectFault({ kind: "reset", pathPattern: /projects/ }),
      ],
      ["the commit image check", () => proxy.setFault("reset")],
      [
        "the create",
        () =>
          stack.cluster.faults.inject({ kind: "500", method: "POST", pathPattern: sessionsPath }),
      ],
      [
        "the create (stalled)",
        () =>
          stack.cluster.faults.inject({
            kind: "stall",
            method: "POST",
            pathPattern: sessionsPath,
          }),
      ],
    ];
    for (const [step, fail] of steps) {
      it(`fails at ${step}: an error, and the cluster holds what it held`, async () => {
        const before = await sessionState(stack.cluster);
        const ledgerBefore = await stack.deps.k8s
          .getConfigMap(stack.deps.config.autosave?.ledger_name ?? "x")
          .catch(() => undefined);
        fail();
        const body = {
          ...HELLO,
          branch: "feature/plots",
          commit_sha: "4800fe13623630e5d59a42b4d28079714ace0edc",
          ...(step.includes("image") ? { image: `${proxy.host}/renku/singleuser:latest` } : {}),
        };
        const res = await shortTimeout(step.includes("stalled"), () =>
          call(endpoint("serversCreate"), { headers: alice, body }),
        );
        expect(errorBody.safeParse(res.json).success, res.text).toBe(true);
        // An upstream that failed before the create: 503 code 3503; the create itself: 500 3002.
        const expected = step.startsWith("the create") ? [500, 3002] : [503, 3503];
        expect([res.status, res.json.error.code], res.text).toEqual(expected);
        stack.cluster.faults.clear();
        stack.gitlab.clearFaults();
        proxy.setFault(undefined);
        expect(await sessionState(stack.cluster)).toEqual(before);
        const ledgerAfter = await stack.deps.k8s
          .getConfigMap(stack.deps.config.autosave?.ledger_name ?? "x")
          .catch(() => undefined);
        expect(ledgerAfter).toEqual(ledgerBefore);
      });
    }
  });

  const GITLAB_FAULTS: GitLabFault[] = ["500", "503", "429", "hang", "reset"];
  const gitlabCalls = (): Array<[string, Endpoint, Call]> => [
    [
      "autosave list",
      endpoint("autosavesList"),
      { params: { namespace_project: "renku-demo/hello-world" } },
    ],
    [
      "autosave delete",
      endpoint("autosavesDelete"),
      {
        params: {
          namespace_project: "renku-demo/hello-world",
          autosave_name: "renku/autosave/alice/master/9b1eb29/9be9409",
        },
      },
    ],
    ["create", endpoint("serversCreate"), { body: { ...HELLO, branch: "main" } }],
  ];
  let FRESH_SESSION = "";

  // Backend-independent: run with the first backend only.
  if (kit === EACH_BACKEND[0]) {
    describe("GitLab faults", () => {
      beforeAll(async () => {
        const res = await call(endpoint("serversList"), {
          headers: alice,
          query: { branch: "main" },
        });
        FRESH_SESSION = Object.keys(res.json.servers)[0] ?? "none";
      });

      for (const kind of GITLAB_FAULTS) {
        for (const [op, e, c] of gitlabCalls()) {
          it(`${op} with GitLab ${kind}: answers with a 3xxx error`, async () => {
            // A launch that already exists would answer 200 without asking GitLab.
            await stack.deps.sessions.delete(FRESH_SESSION, { forced: true });
            // Retry-After beyond the retry budget: a 429 is not waited out.
            stack.gitlab.injectFault({ kind, retryAfterSeconds: 60 });
            const res = await shortTimeout(HANGS.has(kind), () =>
              call(e, { ...c, headers: alice }),
            );
            expectInfrastructureError(res);
          });
        }
      }

      it("a GET is retried after a transient 503 and succeeds", async () => {
        stack.gitlab.injectFault({ kind: "503", times: 1, method: "GET" });
        const before = stack.gitlab.calls.length;
        const res = await call(endpoint("autosavesList"), {
          headers: alice,
          params: { namespace_project: "renku-demo/hello-world" },
        });
        expect(res.status, res.text).toBe(200);
        expect(stack.gitlab.calls.length - before).toBeGreaterThan(1);
      });

      it("a branch DELETE (idempotent: a second one is a 404 taken as gone) is retried within the budget", async () => {
        // alice's launch cleaned this autosave up (its root is an ancestor): put it back.
        stack.gitlab.state.setBranch(
          "renku-demo/hello-world",
          "renku/autosave/alice/master/9b1eb29/9be9409",
          "9be9409182b4f0bd0c89d0da80cdf49cb2cb9ae6",
        );
        stack.gitlab.injectFault({ kind: "503", method: "DELETE" });
        const before = stack.gitlab.calls.length;
        const res = await call(endpoint("autosavesDelete"), {
          headers: alice,
          params: {
            namespace_project: "renku-demo/hello-world",
            autosave_name: "renku/autosave/alice/master/9b1eb29/9be9409",
          },
        });
        // The reference answers 204 when the branch delete itself fails (section 8); only its retries matter here.
        expect(res.status).toBe(204);
        const deletes = stack.gitlab.calls.slice(before).filter((c) => c.method === "DELETE");
        expect(deletes.length).toBeGreaterThan(1);
      });
    });
    describe("registry faults", () => {
      for (const fault of [500, 503, 429, "reset", "hang"] as const) {
        it(`the image check with a registry ${fault}: answers with a 3xxx error`, async () => {
          proxy.setFault(fault);
          const res = await shortTimeout(fault === "hang", () =>
            call(endpoint("images"), {
              headers: alice,
              query: { image_url: `${proxy.host}/renku/singleuser:latest` },
            }),
          );
          expectInfrastructureError(res);
        });
      }
    });
  }

  describe("non-idempotent calls", () => {
    it("a session create that failed is never sent again", async () => {
      // A launch that already exists would answer 200 without creating anything.
      const listed = await call(endpoint("serversList"), {
        headers: alice,
        query: { branch: "main" },
      });
      for (const name of Object.keys(listed.json.servers))
        await stack.deps.sessions.delete(name, { forced: true });
      stack.cluster.faults.inject({ kind: "503", method: "POST", pathPattern: sessionsPath });
      const before = stack.cluster.requests.length;
      const res = await call(endpoint("serversCreate"), {
        headers: alice,
        body: { ...HELLO, branch: "main" },
      });
      expectInfrastructureError(res);
      const creates = stack.cluster.requests
        .slice(before)
        .filter((r) => r.method === "POST" && sessionsPath.test(r.path));
      expect(creates).toHaveLength(1);
    });
  });
});

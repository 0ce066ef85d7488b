/**
 * The clean-up on launch handed off (NB_AUTOSAVE__ON_LAUNCH_FUNCTION): POST /servers queues it
 * through Lambda's Invoke API (InvocationType Event, SigV4-signed) and answers without waiting; the
 * autosaveCleanup function receives the event and deletes the superseded autosaves with the
 * service token. A Lambda API that refuses the invocation leaves the clean-up to the launch, as
 * before. The Lambda API here is a small stand-in that runs the real function's entry point.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isLaunchCleanupEvent } from "../../../lib/autosave/hand-off.js";
import { cleanupEntry } from "../../../lib/use-cases/cleanup-invocation.js";
import { installTestDeps, useTestDeps } from "../../helpers/deps.js";
import { type LambdaApi, startLambdaApi } from "../../helpers/lambda-api.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { HELLO, helloBody, launch } from "./helpers.js";

const FUNCTION = "renku-notebooks-test-autosaveCleanup";
const alice = registeredHeaders({ username: "alice" });

let stack: SessionStack;
let lambda: LambdaApi;

beforeAll(async () => {
  lambda = await startLambdaApi((event) => {
    const run = cleanupEntry(() => ({
      config: stack.deps.config,
      log: stack.deps.log,
      now: stack.deps.now,
      ledger: stack.deps.ledger,
      gitlab: stack.deps.gitlab,
    }));
    return () => (isLaunchCleanupEvent(event) ? run(event, undefined) : Promise.resolve());
  });
  stack = await startSessionStack({
    env: {
      NB_GIT__SERVICE_TOKEN: "glpat-service-secret",
      NB_AUTOSAVE__ON_LAUNCH_FUNCTION: FUNCTION,
      NB_AUTOSAVE__LAMBDA_ENDPOINT: lambda.url,
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  await lambda?.close();
});

const sha = (short: string) => {
  const c = stack.seed.projects
    .find((x) => x.id === 1001)
    ?.commits.find((x) => x.id.startsWith(short));
  if (!c) throw new Error(`no seeded commit ${short}`);
  return c.id;
};
const autosaveBranches = async () =>
  (await stack.deps.gitlab("glpat-alice-secret").listBranches(1001, "^renku/autosave/alice/"))
    .map((b) => b.name)
    .sort();

beforeEach(async () => {
  lambda.refuse = false;
  lambda.invocations.length = 0;
  for (const name of (await stack.deps.k8s.listForUser("alice")).map((s) => s.metadata.name)) {
    await stack.deps.k8s.delete(name);
  }
  stack.gitlab.state.setBranch(1001, "renku/autosave/alice/master/41e286a/8ae5118", sha("8ae5118"));
  stack.gitlab.state.setBranch(1001, "renku/autosave/alice/master/9b1eb29/9be9409", sha("9be9409"));
});

describe("the clean-up on launch, handed off", () => {
  it("is one signed asynchronous invocation carrying no token; the function deletes the autosaves", async () => {
    const before = stack.gitlab.calls.length;
    const res = await launch(alice, helloBody({ branch: "feature/plots" }));
    expect(res.status).toBe(201);
    // The launch itself made no autosave call: the listing belongs to the invoked function.
    const launchCalls = stack.gitlab.calls.slice(before).map((c) => c.path);
    expect(lambda.invocations).toHaveLength(1);
    const [call] = lambda.invocations;
    expect(call?.path).toBe(`/2015-03-31/functions/${FUNCTION}/invocations`);
    expect(call?.headers["x-amz-invocation-type"]).toBe("Event");
    expect(String(call?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/lambda\/aws4_request/,
    );
    expect(JSON.parse(call?.body ?? "")).toEqual({
      launchCleanup: { projectId: 1001, username: "alice", commit: HELLO.commit },
    });
    expect(call?.body).not.toContain("glpat");
    expect(launchCalls.filter((p) => p.includes("autosave") || p.includes("merge_base"))).toEqual(
      [],
    );
    expect(await autosaveBranches()).toHaveLength(2);
    await call?.run();
    expect(await autosaveBranches()).toEqual([]);
    const cm = await stack.deps.k8s.getConfigMap("renku-notebooks-autosave-ledger");
    expect(cm?.data["ledger.json"]).toContain('"projectId":1001');
  });

  it("a refused invocation: the launch cleans up itself, and says so", async () => {
    lambda.refuse = true;
    const res = await launch(alice, helloBody({ branch: "feature/plots" }));
    expect(res.status).toBe(201);
    expect(stack.logs.join("\n")).toContain(
      "autosave clean-up on launch: hand-off failed, cleaning up here",
    );
    expect(await autosaveBranches()).toEqual([]);
  });
});

describe("a caller posing as another user (the ID token is not verified, D14)", () => {
  // dave is no member of renku-demo/hello-world; his ID token names alice, his git token is his.
  const impostor = registeredHeaders({ username: "alice", gitToken: "glpat-dave-secret" });

  it("hands nothing off: the service token never deletes for him", async () => {
    const res = await launch(impostor, helloBody({ branch: "feature/plots" }));
    expect(res.status).toBe(201);
    expect(lambda.invocations).toEqual([]);
    for (const call of lambda.invocations) await call.run();
    expect(await autosaveBranches()).toHaveLength(2);
  });

  it("inline, with his own token, GitLab refuses every deletion", async () => {
    lambda.refuse = true;
    const res = await launch(impostor, helloBody({ branch: "feature/plots" }));
    expect(res.status).toBe(201);
    expect(await autosaveBranches()).toHaveLength(2);
    expect(stack.logs.join("\n")).toContain(
      "autosave clean-up on launch: could not check or delete",
    );
  });

  it("without a hand-off configured, the clean-up runs inline and deletes nothing either", async () => {
    const inlineOnly = useTestDeps({ ...stack.env, NB_AUTOSAVE__ON_LAUNCH_FUNCTION: "" });
    try {
      expect(inlineOnly.deps.launchCleanup).toBeUndefined();
      const res = await launch(impostor, helloBody({ branch: "feature/plots" }));
      expect(res.status).toBe(201);
      expect(lambda.invocations).toEqual([]);
      expect(await autosaveBranches()).toHaveLength(2);
    } finally {
      installTestDeps(stack.deps);
    }
  });
});

/** Defects the fuzzing found, each pinned by the request that showed it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { call, endpoint } from "./endpoints.js";

let stack: SessionStack;
beforeAll(async () => {
  stack = await startSessionStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("usernames whose safe form is no Kubernetes label value", () => {
  // "é" escapes to "-c3-a9", ".alice" to "-2ealice": a selector with them is a 400 from the API,
  // which surfaced as a 500 "You have found a bug" on GET /servers.
  for (const username of ["é", ".alice", "_alice", "a".repeat(70)]) {
    it(`lists no sessions for ${username.slice(0, 12)} instead of failing`, async () => {
      const before = stack.cluster.requests.length;
      const res = await call(endpoint("serversList"), {
        headers: registeredHeaders({ username, gitToken: "glpat-alice-secret" }),
      });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ servers: {} });
      // No session can carry such a label, so there is nothing to ask the cluster.
      expect(stack.cluster.requests.length).toBe(before);
    });
  }
});

describe("launching as a user whose safe username is no label value", () => {
  // The create was refused by Kubernetes (invalid label) and answered 500 "Cannot start the session".
  for (const username of ["é", ".alice", "_alice"]) {
    it(`${username}: 422 in the error format, nothing created`, async () => {
      const before = stack.cluster.requests.filter((r) => r.method === "POST").length;
      const res = await call(endpoint("serversCreate"), {
        headers: registeredHeaders({ username, gitToken: "glpat-alice-secret" }),
        body: {
          namespace: "renku-demo",
          project: "hello-world",
          commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
        },
      });
      expect(res.status, res.text).toBe(422);
      expect(res.json.error.code).toBe(1000);
      expect(stack.cluster.requests.filter((r) => r.method === "POST").length).toBe(before);
    });
  }
});

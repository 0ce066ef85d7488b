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

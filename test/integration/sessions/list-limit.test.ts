/**
 * GET /notebooks/servers never answers past Lambda's 6 MB response limit: a list that would is
 * refused whole, in the documented error format, and a filter that narrows it answers again.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "./api.js";
import { launch } from "./launch.js";

const dave = registeredHeaders({ username: "dave" });
let stack: SessionStack;
let first: string;

beforeAll(async () => {
  stack = await startSessionStack({ timing: "instant" });
  first = (await launch(stack, { headers: dave })).metadata.name;
  // 31 more of hers, each with a 200 KB branch annotation (a shown one): some 6.4 MB in all, as
  // about 3,000 ordinary sessions would be. Stored as given, as a bulk restore would.
  const template = (await stack.deps.k8s.get(first)) as unknown as {
    metadata: Record<string, unknown> & { annotations: Record<string, string> };
  };
  const copies = Array.from({ length: 31 }, (_, i) => {
    const copy = structuredClone(template);
    for (const k of ["uid", "resourceVersion", "creationTimestamp"]) delete copy.metadata[k];
    copy.metadata.name = `dave-padded-${i}`;
    copy.metadata.annotations["renku.io/branch"] = `b${i}-${"x".repeat(200 * 1024)}`;
    return copy;
  });
  stack.cluster.bulkLoad(copies);
});
afterAll(async () => {
  await stack?.stop();
});

it("refuses a list past the response limit whole, with 500 code 3000 naming the cure", async () => {
  const r = await sessionsApi(dave).list();
  expect(r.status).toBe(500);
  expect(r.json.error.code).toBe(3000);
  expect(r.json.error.message).toMatch(
    /^The list of 32 sessions is too large to answer \(\d+ bytes\)\.$/,
  );
  expect(r.json.error.detail).toBe(
    "Filter it by project, namespace, branch or commit_sha, or stop some sessions.",
  );
  // Narrowed by a filter, it answers.
  const one = await sessionsApi(dave).list({ branch: "master" });
  expect(one.status).toBe(200);
  expect(Object.keys(one.json.servers)).toEqual([first]);
});

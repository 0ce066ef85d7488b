import { describe, expect, it } from "vitest";
import {
  applyPatch,
  JSON_PATCH,
  MERGE_PATCH,
  mergePatch,
  STRATEGIC_MERGE_PATCH,
  strategicMergePatch,
} from "../patch.js";
import { KubeError } from "../status.js";

const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof KubeError) return err.body;
    throw err;
  }
  throw new Error("expected a KubeError");
};

describe("merge patch (RFC 7386)", () => {
  it("merges objects, deletes on null, replaces arrays", () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [9] })).toEqual({
      a: { b: 1, d: 3 },
      l: [9],
    });
  });
});

describe("json patch", () => {
  const doc = { spec: { containers: [{ name: "jupyter-server" }] } };

  it("applies add/replace/remove in order", () => {
    const out = applyPatch(
      doc,
      [
        { op: "add", path: "/spec/containers/-", value: { name: "git-proxy" } },
        { op: "replace", path: "/spec/containers/0/name", value: "main" },
      ],
      JSON_PATCH,
      true,
    );
    expect(out).toEqual({ spec: { containers: [{ name: "main" }, { name: "git-proxy" }] } });
    expect(doc.spec.containers).toHaveLength(1); // the input is left alone
  });

  it("answers 422 with the failed test operation named", () => {
    const body = statusOf(() =>
      applyPatch(
        doc,
        [{ op: "test", path: "/spec/containers/0/name", value: "other" }],
        JSON_PATCH,
        true,
      ),
    );
    expect(body.code).toBe(422);
    expect(body.reason).toBe("Invalid");
    expect(body.details?.causes?.[0]?.message).toBe(
      "testing value /spec/containers/0/name failed: test failed",
    );
  });

  it("answers 422 for a path that does not exist and 400 for a malformed operation", () => {
    expect(
      statusOf(() =>
        applyPatch(doc, [{ op: "replace", path: "/nope/x", value: 1 }], JSON_PATCH, true),
      ).code,
    ).toBe(422);
    expect(
      statusOf(() => applyPatch(doc, [{ op: "bogus", path: "/a" }], JSON_PATCH, true)).code,
    ).toBe(400);
    expect(statusOf(() => applyPatch(doc, { not: "a list" }, JSON_PATCH, true)).code).toBe(400);
  });
});

describe("strategic merge patch", () => {
  const pod = {
    spec: {
      containers: [
        {
          name: "a",
          image: "a:1",
          env: [
            { name: "X", value: "1" },
            { name: "Y", value: "2" },
          ],
        },
        { name: "b", image: "b:1" },
      ],
      tolerations: [{ key: "k", operator: "Exists" }],
    },
  };

  it("merges containers and env by name, keeps the others", () => {
    const out = strategicMergePatch(pod, {
      spec: {
        containers: [
          {
            name: "a",
            env: [
              { name: "Y", value: "3" },
              { name: "Z", value: "4" },
            ],
          },
        ],
      },
    }) as typeof pod;
    expect(out.spec.containers.map((c) => c.name)).toEqual(["a", "b"]);
    expect(out.spec.containers[0]?.image).toBe("a:1");
    expect(out.spec.containers[0]?.env).toEqual([
      { name: "X", value: "1" },
      { name: "Y", value: "3" },
      { name: "Z", value: "4" },
    ]);
  });

  it("honours $patch: delete on a list element", () => {
    const out = strategicMergePatch(pod, {
      spec: { containers: [{ name: "b", $patch: "delete" }] },
    }) as typeof pod;
    expect(out.spec.containers.map((c) => c.name)).toEqual(["a"]);
  });

  it("is accepted for built-in kinds only: custom kinds answer 415", () => {
    expect(applyPatch(pod, { spec: {} }, STRATEGIC_MERGE_PATCH, false)).toEqual(pod);
    const body = statusOf(() => applyPatch(pod, { spec: {} }, STRATEGIC_MERGE_PATCH, true));
    expect(body.code).toBe(415);
    expect(body.reason).toBe("UnsupportedMediaType");
    expect(body.message).toContain("application/merge-patch+json");
  });

  it("answers 415 for any other content type", () => {
    expect(statusOf(() => applyPatch(pod, {}, "application/json", false)).code).toBe(415);
    expect(applyPatch({ a: 1 }, { b: 2 }, `${MERGE_PATCH}; charset=utf-8`, true)).toEqual({
      a: 1,
      b: 2,
    });
  });
});

import { describe, expect, it } from "vitest";
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from "../selectors.js";
import { KubeError } from "../status.js";
import type { KObject } from "../types.js";

const labels = { app: "x", "renku.io/safe-username": "alice", tier: "web", n: "5" };
const match = (sel: string) => matchesLabels(parseLabelSelector(sel), labels);

describe("label selector grammar", () => {
  it.each([
    ["app=x", true],
    ["app==x", true],
    ["app!=x", false],
    ["app!=y", true],
    ["missing!=y", true],
    ["tier in (web, api)", true],
    ["tier in (api)", false],
    ["tier notin (api,db)", true],
    ["tier notin (web)", false],
    ["missing notin (web)", true],
    ["renku.io/safe-username", true],
    ["missing", false],
    ["!missing", true],
    ["!app", false],
    ["app=x,tier in (web,api),!gone", true],
    ["app=x,tier=db", false],
    ["n>3", true],
    ["n<3", false],
    ["", true],
  ])("%s -> %s", (sel, expected) => {
    expect(match(sel)).toBe(expected);
  });

  it("rejects malformed selectors with a 400 naming the requirement", () => {
    for (const bad of ["app=x,,tier=web", "bad key!=x", "app=in valid"]) {
      try {
        parseLabelSelector(bad);
        expect.fail(`${bad} should not parse`);
      } catch (err) {
        expect(err).toBeInstanceOf(KubeError);
        expect((err as KubeError).code).toBe(400);
        expect((err as KubeError).message).toMatch(/unable to parse requirement/);
      }
    }
  });
});

describe("field selectors", () => {
  const ev = {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: "e1",
      namespace: "renku",
      uid: "u",
      resourceVersion: "1",
      creationTimestamp: "",
    },
    involvedObject: { kind: "Pod", name: "s-0", namespace: "renku" },
  } as KObject;

  it("matches metadata and involvedObject fields, with != too", () => {
    expect(matchesFields(parseFieldSelector("metadata.name=e1", "Event"), ev)).toBe(true);
    expect(matchesFields(parseFieldSelector("metadata.namespace!=renku", "Event"), ev)).toBe(false);
    expect(
      matchesFields(
        parseFieldSelector("involvedObject.kind=Pod,involvedObject.name=s-0", "Event"),
        ev,
      ),
    ).toBe(true);
    expect(matchesFields(parseFieldSelector("involvedObject.name==other", "Event"), ev)).toBe(
      false,
    );
  });

  it("answers 400 for a field the kind does not support", () => {
    expect(() => parseFieldSelector("spec.foo=bar", "JupyterServer")).toThrow(
      /field label not supported: spec.foo/,
    );
  });
});

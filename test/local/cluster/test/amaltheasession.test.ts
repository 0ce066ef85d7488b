import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { durationMs, goDuration } from "../amaltheasession/duration.js";
import { sessionUrl } from "../amaltheasession/render.js";
import { AMALTHEASESSION_CRD_PATH, CrdSchema } from "../crd-schema.js";

describe("AmaltheaSession schema", () => {
  it("ships the same CRD as shared/spec", () => {
    const shared = new URL("../../../../../shared/spec/amaltheasession-crd.yaml", import.meta.url);
    if (!existsSync(shared)) return; // the spec folder is beside the repo only on dev machines
    expect(parse(readFileSync(AMALTHEASESSION_CRD_PATH, "utf8"))).toEqual(
      parse(readFileSync(shared, "utf8")),
    );
  });

  it("drops nulls the schema does not allow, before defaulting", () => {
    const schema = new CrdSchema(AMALTHEASESSION_CRD_PATH);
    const obj = {
      apiVersion: "amalthea.dev/v1alpha1",
      kind: "AmaltheaSession",
      metadata: { name: "s" },
      spec: { hibernated: null, session: { image: "i", workingDir: null } },
    };
    expect(schema.admit(obj)).toEqual([]);
    expect(obj.spec.hibernated).toBe(false);
    expect("workingDir" in obj.spec.session).toBe(false);
  });
});

describe("Go durations", () => {
  it("reads and writes them as the operator does", () => {
    expect(durationMs("1h30m")).toBe(5_400_000);
    expect(durationMs("0s")).toBe(0);
    expect(durationMs(undefined)).toBe(0);
    expect(goDuration("24h")).toBe("24h0m0s");
    expect(goDuration("90s")).toBe("1m30s");
    expect(goDuration("1s")).toBe("1s");
    expect(goDuration("500ms")).toBe("500ms");
    expect(goDuration(undefined)).toBe("0s");
  });
});

describe("session URL", () => {
  const spec = (ingress: object | undefined, urlPath?: string) =>
    ({ hibernated: false, session: { image: "i", urlPath }, ingress }) as Parameters<
      typeof sessionUrl
    >[0];
  it("adds the trailing slash, keeps a query, picks the scheme from TLS settings", () => {
    expect(sessionUrl(spec({ host: "h" }, "/s/x/lab"))).toBe("http://h/s/x/lab/");
    expect(sessionUrl(spec({ host: "h", assumeHttps: true }, "/a?b=1"))).toBe("https://h/a/?b=1");
    expect(sessionUrl(spec({ host: "h", tlsSecret: { name: "t" } }))).toBe("https://h/");
    expect(sessionUrl(spec(undefined))).toBe("None");
  });
});

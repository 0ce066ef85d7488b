import { describe, expect, it } from "vitest";
import { loadSeed } from "../seed.js";
import { toSeedImages } from "./seed-images.js";

describe("the seed's images", () => {
  it("are all valid, and include the demo project's commit image", () => {
    const images = toSeedImages(loadSeed().images);
    expect(images.length).toBeGreaterThan(0);
    expect(images).toContainEqual(
      expect.objectContaining({ repository: "renku-demo/hello-world", tag: "f1ea335" }),
    );
  });

  it("accepts the short string form as an OCI image", () => {
    expect(toSeedImages(["renku/singleuser:latest"])).toEqual([
      { repository: "renku/singleuser", tag: "latest", kind: "oci", workdir: "/home/jovyan/work" },
    ]);
  });

  it("names the entry that is wrong", () => {
    expect(() => toSeedImages(["ok/image:1", { repository: "x", tag: "1", kind: "zip" }])).toThrow(
      /images\[1\]/,
    );
    expect(() => toSeedImages(["Bad:1"])).toThrow(/images\[0\]/);
  });
});

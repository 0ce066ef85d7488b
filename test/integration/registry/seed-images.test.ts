/** The demo seed's images land in a real registry and the client finds them as the service would. */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createRegistryClient } from "../../../lib/registry/client.js";
import { parseImageRef } from "../../../lib/util/image-ref.js";
import { pushSeedImages } from "../../local/registry/seed-images.js";
import { loadSeed } from "../../local/seed.js";

const { open } = inject("registries");
const client = createRegistryClient({
  allowedHosts: [open.host],
  plainHttpHosts: [open.host],
  gitlabRegistryHost: open.host,
  timeoutMs: 60_000,
});

beforeAll(async () => {
  await pushSeedImages(open.url, loadSeed().images);
});

describe("seeded demo images", () => {
  it("holds the commit image of the demo project's default branch", async () => {
    const result = await client.check(parseImageRef(`${open.host}/renku-demo/hello-world:f1ea335`));
    expect(result).toMatchObject({ exists: true, workdir: "/home/jovyan/work" });
  });

  it("holds a multi-arch commit image for the subgroup project", async () => {
    const ref = parseImageRef(`${open.host}/renku-demo/analysis/climate-model:7d9d32a`);
    expect((await client.check(ref)).exists).toBe(true);
  });

  it("holds a default session image", async () => {
    expect((await client.check(parseImageRef(`${open.host}/renku/singleuser:latest`))).exists).toBe(
      true,
    );
  });
});

/** A slow or failing registry (the fault proxy in front of the real one) gives a 503, code 3503. */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import { createRegistryClient } from "../../../lib/registry/client.js";
import { parseImageRef } from "../../../lib/util/image-ref.js";
import { WORKDIRS } from "../../local/registry/fixtures.js";
import { type RegistryProxy, startRegistryProxy } from "../../local/registry/proxy.js";

const { open } = inject("registries");
let proxy: RegistryProxy;

beforeAll(async () => {
  proxy = await startRegistryProxy({ target: open.url });
});
afterAll(async () => {
  await proxy.stop();
});

/** A short timeout only where the registry never answers; every other call has time to spare. */
const client = (timeoutMs = 60_000) =>
  createRegistryClient({
    allowedHosts: [proxy.host],
    plainHttpHosts: [proxy.host],
    gitlabRegistryHost: "registry.gitlab.example.org",
    timeoutMs,
  });

const image = () => parseImageRef(`${proxy.host}/demo/multi:1.0`);

describe("registry faults", () => {
  it("passes through to the real registry when healthy", async () => {
    proxy.setFault(undefined);
    const before = proxy.requests();
    expect(await client().check(image())).toMatchObject({ exists: true, workdir: WORKDIRS.amd64 });
    // index, amd64 manifest, config blob
    expect(proxy.requests() - before).toBe(3);
  });

  it.each([
    ["a hang past the timeout", "hang" as const],
    ["a reset connection", "reset" as const],
    ["a 500", 500],
    ["a 503", 503],
    ["a 429", 429],
  ])("turns %s into 503 code 3503", async (_name, fault) => {
    proxy.setFault(fault);
    try {
      const error = await client(fault === "hang" ? 300 : undefined)
        .check(image())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(503);
      expect((error as AppError).code).toBe(3503);
      expect((error as AppError).message).toContain(proxy.host);
    } finally {
      proxy.setFault(undefined);
    }
  });

  it("says an image on a host that does not resolve does not exist", async () => {
    const c = createRegistryClient({
      allowedHosts: [],
      plainHttpHosts: [],
      gitlabRegistryHost: "registry.gitlab.example.org",
      timeoutMs: 300,
      lookup: async () => {
        throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
      },
    });
    expect(await c.check(parseImageRef("nowhere.example/x/y:1"))).toEqual({
      exists: false,
      private: false,
    });
  });
});

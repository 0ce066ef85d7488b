import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { RegistryGet } from "../../../lib/registry/auth.js";
import { type HttpResponse, UpstreamStatus } from "../../../lib/registry/http.js";
import { createManifestWalker, MANIFEST_HEADERS, MEDIA } from "../../../lib/registry/manifests.js";

const BASE = "https://registry.example/v2/group/image";
const sha = (body: string) => `sha256:${createHash("sha256").update(body).digest("hex")}`;

const response = (status: number, body: string, contentType?: string): HttpResponse => ({
  status,
  headers: contentType ? { "content-type": contentType } : {},
  body: Buffer.from(body),
  url: new URL(BASE),
});

const configBlob = JSON.stringify({ config: { WorkingDir: "/home/jovyan/work" } });
const manifest = JSON.stringify({
  mediaType: MEDIA.ociManifest,
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha(configBlob) },
});

/** A registry of fixed bodies by path, recording each GET. */
function registry(bodies: Record<string, HttpResponse>) {
  const calls: { path: string; accept?: string | undefined }[] = [];
  const get: RegistryGet = async (url, headers) => {
    const path = url.pathname.replace("/v2/group/image", "");
    calls.push({ path, accept: headers?.accept });
    return bodies[path] ?? response(404, "");
  };
  return { get, calls };
}

describe("the manifest walk", () => {
  it("resolves an index to linux/amd64 by digest and lists its platforms, attestations left out", async () => {
    const index = JSON.stringify({
      mediaType: MEDIA.ociIndex,
      manifests: [
        { digest: sha(manifest), platform: { os: "linux", architecture: "amd64" } },
        { digest: sha("arm"), platform: { os: "linux", architecture: "arm64", variant: "v8" } },
        { digest: sha("att"), platform: { os: "unknown", architecture: "unknown" } },
      ],
    });
    const { get, calls } = registry({
      [`/manifests/${sha(manifest)}`]: response(200, manifest, MEDIA.ociManifest),
      [`/blobs/${sha(configBlob)}`]: response(200, configBlob),
    });
    const image = await createManifestWalker()(get, response(200, index, MEDIA.ociIndex), {
      base: BASE,
      private: true,
    });
    expect(image).toEqual({
      exists: true,
      private: true,
      digest: sha(manifest),
      workdir: "/home/jovyan/work",
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64", variant: "v8" },
      ],
    });
    expect(calls).toEqual([
      { path: `/manifests/${sha(manifest)}`, accept: MANIFEST_HEADERS.accept },
      { path: `/blobs/${sha(configBlob)}`, accept: undefined },
    ]);
  });

  it("finds no image in an index without linux/amd64", async () => {
    const index = JSON.stringify({
      manifests: [{ digest: sha("arm"), platform: { os: "linux", architecture: "arm64" } }],
    });
    const { get, calls } = registry({});
    await expect(
      createManifestWalker()(get, response(200, index, MEDIA.dockerList), {
        base: BASE,
        private: false,
      }),
    ).resolves.toEqual({ exists: false, private: false });
    expect(calls).toEqual([]);
  });

  it("finds no image when the manifest does not hash to the digest asked for", async () => {
    const { get } = registry({});
    await expect(
      createManifestWalker()(get, response(200, manifest, MEDIA.ociManifest), {
        base: BASE,
        digest: sha("something else"),
        private: false,
      }),
    ).resolves.toEqual({ exists: false, private: false });
  });

  it("reads the media type from the body when the content type is generic", async () => {
    const { get } = registry({ [`/blobs/${sha(configBlob)}`]: response(200, configBlob) });
    await expect(
      createManifestWalker()(get, response(200, manifest, "application/json"), {
        base: BASE,
        private: false,
      }),
    ).resolves.toMatchObject({ exists: true, workdir: "/home/jovyan/work" });
  });

  it("reads a config blob once per walker and not at all when the working directory is not asked for", async () => {
    const { get, calls } = registry({ [`/blobs/${sha(configBlob)}`]: response(200, configBlob) });
    const walk = createManifestWalker();
    const first = response(200, manifest, MEDIA.ociManifest);
    await walk(get, first, { base: BASE, private: false });
    await expect(walk(get, first, { base: BASE, private: false })).resolves.toMatchObject({
      workdir: "/home/jovyan/work",
    });
    expect(calls).toHaveLength(1);
    await expect(
      createManifestWalker()(get, first, { base: BASE, private: false, workdir: false }),
    ).resolves.toEqual({ exists: true, private: false, digest: sha(manifest) });
    expect(calls).toHaveLength(1);
  });

  it("reports 429 and 5xx as the registry being unavailable, other statuses as no image", async () => {
    const { get } = registry({});
    const walk = createManifestWalker();
    await expect(walk(get, response(503, ""), { base: BASE, private: false })).rejects.toThrow(
      UpstreamStatus,
    );
    await expect(walk(get, response(429, ""), { base: BASE, private: false })).rejects.toThrow(
      UpstreamStatus,
    );
    await expect(walk(get, response(404, ""), { base: BASE, private: false })).resolves.toEqual({
      exists: false,
      private: false,
    });
  });
});

/**
 * Pushes real images to a registry over plain HTTP, as a client would: each blob with a POST that
 * opens an upload and a PUT that closes it with its digest, then the manifest PUT. Makes docker v2
 * and OCI images (one gzipped tar layer and a config blob with a WorkingDir), and multi-arch
 * OCI indexes and docker manifest lists whose platform manifests are pushed first by digest.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { SeedImage } from "./fixtures.js";

const MEDIA = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

/** Returns the Authorization header for a repository (push and pull), or undefined when open. */
export type Authorize = (repository: string) => Promise<string | undefined>;

const sha256 = (data: Buffer) => `sha256:${createHash("sha256").update(data).digest("hex")}`;

/** A one-file ustar archive. */
function tarOf(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  const put = (value: string, offset: number, length: number) =>
    header.write(value.slice(0, length), offset, length, "ascii");
  put(name, 0, 100);
  put("0000644\0", 100, 8);
  put("0000000\0", 108, 8);
  put("0000000\0", 116, 8);
  put(`${body.length.toString(8).padStart(11, "0")}\0`, 124, 12);
  put(`${"0".padStart(11, "0")}\0`, 136, 12);
  put("        ", 148, 8);
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  body.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}

export class Pusher {
  constructor(
    private readonly registryUrl: string,
    private readonly authorize: Authorize = async () => undefined,
  ) {}

  private async headers(repository: string, extra: Record<string, string> = {}) {
    const auth = await this.authorize(repository);
    return auth ? { ...extra, authorization: auth } : extra;
  }

  async pushBlob(repository: string, data: Buffer): Promise<string> {
    const digest = sha256(data);
    const start = await fetch(`${this.registryUrl}/v2/${repository}/blobs/uploads/`, {
      method: "POST",
      headers: await this.headers(repository),
    });
    if (start.status !== 202)
      throw new Error(`upload start for ${repository}: ${start.status} ${await start.text()}`);
    const location = new URL(start.headers.get("location") ?? "", this.registryUrl);
    location.searchParams.set("digest", digest);
    const done = await fetch(location, {
      method: "PUT",
      headers: await this.headers(repository, { "content-type": "application/octet-stream" }),
      body: data,
    });
    if (done.status !== 201)
      throw new Error(`upload of ${digest} to ${repository}: ${done.status} ${await done.text()}`);
    return digest;
  }

  async pushManifest(repository: string, reference: string, mediaType: string, manifest: unknown) {
    const body = Buffer.from(JSON.stringify(manifest));
    const res = await fetch(`${this.registryUrl}/v2/${repository}/manifests/${reference}`, {
      method: "PUT",
      headers: await this.headers(repository, { "content-type": mediaType }),
      body,
    });
    if (res.status !== 201)
      throw new Error(`manifest ${repository}:${reference}: ${res.status} ${await res.text()}`);
    return { digest: sha256(body), size: body.length };
  }

  /** A single-platform image; returns its manifest's digest and size. */
  async pushImage(
    repository: string,
    reference: string,
    kind: "docker" | "oci",
    opts: { workdir?: string; architecture?: string } = {},
  ) {
    const architecture = opts.architecture ?? "amd64";
    const tar = tarOf("hello.txt", `hello from ${repository} on ${architecture}\n`);
    const layer = gzipSync(tar);
    const layerDigest = await this.pushBlob(repository, layer);
    const config = Buffer.from(
      JSON.stringify({
        architecture,
        os: "linux",
        created: "2024-01-01T00:00:00Z",
        config: {
          Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
          Cmd: ["/bin/sh"],
          ...(opts.workdir ? { WorkingDir: opts.workdir } : {}),
        },
        rootfs: { type: "layers", diff_ids: [sha256(tar)] },
        history: [{ created: "2024-01-01T00:00:00Z", created_by: "test pusher" }],
      }),
    );
    const configDigest = await this.pushBlob(repository, config);
    const docker = kind === "docker";
    const mediaType = docker ? MEDIA.dockerManifest : MEDIA.ociManifest;
    const manifest = {
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: docker ? MEDIA.dockerConfig : MEDIA.ociConfig,
        size: config.length,
        digest: configDigest,
      },
      layers: [
        {
          mediaType: docker ? MEDIA.dockerLayer : MEDIA.ociLayer,
          size: layer.length,
          digest: layerDigest,
        },
      ],
    };
    const pushed = await this.pushManifest(repository, reference, mediaType, manifest);
    return { ...pushed, mediaType };
  }

  /** A multi-platform index (OCI) or manifest list (docker) over freshly pushed platform images. */
  async pushIndex(
    repository: string,
    tag: string,
    kind: "oci-index" | "docker-list",
    platforms: Array<{ architecture: string; workdir?: string }>,
  ) {
    const child = kind === "oci-index" ? "oci" : "docker";
    const manifests = [];
    for (const p of platforms) {
      const image = await this.pushImage(repository, `${tag}-${p.architecture}`, child, p);
      manifests.push({
        mediaType: image.mediaType,
        size: image.size,
        digest: image.digest,
        platform: { architecture: p.architecture, os: "linux" },
      });
    }
    const mediaType = kind === "oci-index" ? MEDIA.ociIndex : MEDIA.dockerList;
    return this.pushManifest(repository, tag, mediaType, {
      schemaVersion: 2,
      mediaType,
      manifests,
    });
  }

  async push(image: SeedImage) {
    if ("platforms" in image) {
      return this.pushIndex(image.repository, image.tag, image.kind, image.platforms);
    }
    return this.pushImage(image.repository, image.tag, image.kind, { workdir: image.workdir });
  }
}

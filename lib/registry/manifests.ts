/**
 * The manifest walk of the registry v2 API: a manifest GET with every manifest media type
 * accepted, an OCI index or Docker manifest list resolved to linux/amd64 and fetched by digest
 * (its platforms reported), every body checked against the digest it was asked for, and the config
 * blob read for `config.WorkingDir`. The requests go through the check's authorised GET (auth.ts).
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { once } from "../util/once.js";
import type { RegistryGet } from "./auth.js";
import { type HttpResponse, header, parseJson, UpstreamStatus, unavailable } from "./http.js";

export const MEDIA = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
} as const;

/** The headers of a manifest GET: every manifest and index media type accepted. */
export const MANIFEST_HEADERS = {
  accept: [MEDIA.dockerManifest, MEDIA.ociManifest, MEDIA.ociIndex, MEDIA.dockerList].join(", "),
};
const MANIFESTS = new Set<string>([MEDIA.dockerManifest, MEDIA.ociManifest]);
const INDEXES = new Set<string>([MEDIA.dockerList, MEDIA.ociIndex]);
const MAX_CACHED_BLOBS = 256;

/** What the registry says about one image reference. */
export interface RegistryImage {
  exists: boolean;
  /** True when only the user's GitLab token gave access (an image pull secret is then needed). */
  private: boolean;
  /** `config.WorkingDir` of the image, when it sets one. */
  workdir?: string;
  /** Digest of the (linux/amd64) image manifest. */
  digest?: string;
  /** For a multi-platform image (OCI index or Docker manifest list): its platforms. */
  platforms?: ImagePlatform[];
}

/** An index entry's platform, as the OCI image spec names its fields. */
export interface ImagePlatform {
  architecture: string;
  os: string;
  "os.version"?: string;
  "os.features"?: string[];
  variant?: string;
}

// Built on the first check, not at import: most cold starts never check an image.
const schemas = once(() => {
  // Digests end up in URL paths: accept only the digest grammar, nothing that could walk the path.
  const descriptor = z.looseObject({
    mediaType: z.string().optional(),
    digest: z.string().regex(/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/),
  });
  return {
    manifest: z.looseObject({ mediaType: z.string().optional(), config: descriptor }),
    index: z.looseObject({
      mediaType: z.string().optional(),
      manifests: z.array(
        descriptor.extend({
          platform: z
            .looseObject({
              os: z.string().optional(),
              architecture: z.string().optional(),
              "os.version": z.string().optional(),
              "os.features": z.array(z.string()).optional(),
              variant: z.string().optional(),
            })
            .optional(),
        }),
      ),
    }),
    config: z.looseObject({
      config: z.looseObject({ WorkingDir: z.string().optional() }).nullish(),
    }),
  };
});

const mediaTypeOf = (res: HttpResponse, json: unknown): string | undefined => {
  const type = header(res, "content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type && (MANIFESTS.has(type) || INDEXES.has(type))) return type;
  const declared = (json as { mediaType?: unknown } | undefined)?.mediaType;
  return typeof declared === "string" ? declared : type;
};

const matchesDigest = (body: Buffer, digest: string) => {
  const [algorithm, hex] = digest.split(":");
  if (algorithm !== "sha256" && algorithm !== "sha512") return true;
  return createHash(algorithm).update(body).digest("hex") === hex;
};

/** The platforms of an index, attestation entries (os/architecture "unknown") left out. */
function indexPlatforms(
  manifests: { platform?: Partial<ImagePlatform> & Record<string, unknown> }[],
): ImagePlatform[] {
  const out: ImagePlatform[] = [];
  for (const { platform: p } of manifests) {
    if (!p?.os || !p.architecture || p.os === "unknown" || p.architecture === "unknown") continue;
    const entry: ImagePlatform = { architecture: p.architecture, os: p.os };
    if (p["os.version"]) entry["os.version"] = p["os.version"];
    if (p["os.features"]) entry["os.features"] = p["os.features"];
    if (p.variant) entry.variant = p.variant;
    out.push(entry);
  }
  return out;
}

/** `<scheme>://<host>/v2/<repository>/manifests/<reference>` under a repository's base URL. */
export const manifestUrl = (base: string, reference: string) =>
  new URL(`${base}/manifests/${reference}`);

/** One image's walk: from its manifest response to what the registry says about it. */
export interface ManifestWalk {
  /** `<scheme>://<host>/v2/<repository>` */
  base: string;
  /** The digest the reference named, which the manifest must hash to. */
  digest?: string | undefined;
  /** Only the user's GitLab token could read the manifest. */
  private: boolean;
  /** Read the config blob for the working directory (default true). */
  workdir?: boolean | undefined;
}

/**
 * The walk with its cache of working directories: config blobs are content-addressed, so the
 * working directory under a digest never changes and a repeat launch of an image skips that round.
 * Keyed by repository too: only a caller who could read that repository's manifest reaches an entry.
 */
export function createManifestWalker() {
  const workdirs = new Map<string, string | undefined>();

  return async function walk(
    get: RegistryGet,
    first: HttpResponse,
    image: ManifestWalk,
  ): Promise<RegistryImage> {
    const { base } = image;
    let res = first;
    if (unavailable(res.status)) throw new UpstreamStatus(res);
    if (res.status !== 200) return { exists: false, private: false };

    // A manifest asked for by digest must hash to it (the registry could be lying or broken).
    if (image.digest && !matchesDigest(res.body, image.digest))
      return { exists: false, private: false };
    let json = parseJson(res.body);
    let type = mediaTypeOf(res, json);
    let platforms: ImagePlatform[] | undefined;
    if (type && INDEXES.has(type)) {
      const index = schemas().index.safeParse(json);
      const amd64 = index.success
        ? index.data.manifests.find(
            (m) => m.platform?.os === "linux" && m.platform?.architecture === "amd64",
          )
        : undefined;
      if (!amd64) return { exists: false, private: false };
      platforms = indexPlatforms(index.success ? index.data.manifests : []);
      res = await get(manifestUrl(base, amd64.digest), MANIFEST_HEADERS);
      if (unavailable(res.status)) throw new UpstreamStatus(res);
      if (res.status !== 200 || !matchesDigest(res.body, amd64.digest)) {
        return { exists: false, private: false };
      }
      json = parseJson(res.body);
      type = mediaTypeOf(res, json);
    }
    if (!type || !MANIFESTS.has(type)) return { exists: false, private: false };

    const digest =
      header(res, "docker-content-digest") ??
      `sha256:${createHash("sha256").update(res.body).digest("hex")}`;
    const result: RegistryImage = { exists: true, private: image.private, digest };
    if (platforms) result.platforms = platforms;
    const manifest = schemas().manifest.safeParse(json);
    if (image.workdir !== false && manifest.success) {
      const blobKey = `${base}@${manifest.data.config.digest}`;
      let workdir: string | undefined;
      if (workdirs.has(blobKey)) workdir = workdirs.get(blobKey);
      else {
        const blob = await get(new URL(`${base}/blobs/${manifest.data.config.digest}`));
        if (unavailable(blob.status)) throw new UpstreamStatus(blob);
        const config =
          blob.status === 200 ? schemas().config.safeParse(parseJson(blob.body)) : undefined;
        workdir = config?.success ? config.data.config?.WorkingDir : undefined;
        if (blob.status === 200 && matchesDigest(blob.body, manifest.data.config.digest)) {
          if (workdirs.size >= MAX_CACHED_BLOBS)
            workdirs.delete(workdirs.keys().next().value ?? "");
          workdirs.set(blobKey, workdir);
        }
      }
      if (workdir) result.workdir = workdir;
    }
    return result;
  };
}

/**
 * Does an image exist, is it private, and what is its working directory (docs/spec.md 7.2)?
 * Speaks the registry v2 API: manifest GET with every manifest media type accepted, an index or
 * manifest list resolved to linux/amd64 and fetched by digest, the 401 challenge answered with
 * the Bearer token flow or Basic credentials, and the config blob read for `config.WorkingDir`.
 * For the GitLab registry host the 1.18 rule applies: anonymous first, then the user's GitLab
 * token as `oauth2:<token>`; an image only the user's token can see is "private".
 * Every request, token realms and redirects included, goes through the SSRF guard (guard.ts).
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { AppError, upstreamUnavailable } from "../errors.js";
import type { ImageRef } from "../util/image-ref.js";
import { once } from "../util/once.js";
import { parseChallenge } from "./challenge.js";
import { createGuard, type Guard, HostNotFoundError, type Lookup } from "./guard.js";
import {
  type Agents,
  createAgents,
  type HttpResponse,
  RegistryNetworkError,
  send,
} from "./http.js";
import { TokenCache } from "./token-cache.js";

export const MEDIA = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
} as const;

const ACCEPT = [MEDIA.dockerManifest, MEDIA.ociManifest, MEDIA.ociIndex, MEDIA.dockerList].join(
  ", ",
);
const MANIFESTS = new Set<string>([MEDIA.dockerManifest, MEDIA.ociManifest]);
const INDEXES = new Set<string>([MEDIA.dockerList, MEDIA.ociIndex]);
const MAX_REDIRECTS = 5;
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

export interface RegistryCredentials {
  /** The user's GitLab token; used only for the GitLab registry host. */
  gitlabToken?: string;
}

export interface CheckOptions {
  /** Read the config blob for the working directory (default true). */
  workdir?: boolean;
}

export interface RegistryClientOptions {
  /** Hosts exempt from the SSRF guard ("host" or "host:port"). */
  allowedHosts: readonly string[];
  /** Hosts spoken to over plain http ("host" or "host:port"); everything else is https. */
  plainHttpHosts: readonly string[];
  /** config.git.registry: where the user's GitLab token may be sent. */
  gitlabRegistryHost: string;
  /** Per-request timeout. */
  timeoutMs: number;
  /** DNS resolution, replaceable in tests. */
  lookup?: Lookup;
  /** Static Basic credentials per registry host, for registries the platform itself pulls from. */
  credentials?: Record<string, { username: string; password: string }>;
}

export interface RegistryClient {
  check(ref: ImageRef, creds?: RegistryCredentials, opts?: CheckOptions): Promise<RegistryImage>;
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

const basicHeader = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
};

const header = (res: HttpResponse, name: string): string | undefined => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

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

const unavailable = (status: number) => status === 429 || status >= 500;

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

/** What every request of one check shares. */
interface Context {
  guard: Guard;
  agents: Agents;
  timeoutMs: number;
  isPlain: (url: URL) => boolean;
  repository: string;
  /** Origin of the registry (scheme://host:port), for the token cache key. */
  origin: string;
  tokens: TokenCache;
}

/**
 * One set of credentials talking to one repository: answers 401 challenges once per request and
 * keeps the Authorization it obtained for the following requests (manifest, index child, blob).
 */
class AuthSession {
  private authorization: string | undefined;
  private readonly cacheKey: string;

  constructor(
    private readonly ctx: Context,
    private readonly basic: string | undefined,
  ) {
    this.cacheKey = TokenCache.key(ctx.origin, ctx.repository, basic);
    const cached = ctx.tokens.get(this.cacheKey);
    if (cached) this.authorization = `Bearer ${cached}`;
  }

  async get(url: URL, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const first = await this.follow(url, headers, this.authorization);
    if (first.status !== 401) return first;
    const challenge = parseChallenge(header(first, "www-authenticate"));
    if (challenge?.scheme === "bearer" && challenge.params.realm) {
      this.ctx.tokens.delete(this.cacheKey);
      const token = await this.token(challenge.params);
      if (!token) return first;
      this.authorization = `Bearer ${token}`;
    } else if (challenge?.scheme === "basic" && this.basic && this.authorization !== this.basic) {
      this.authorization = this.basic;
    } else return first;
    return this.follow(url, headers, this.authorization);
  }

  /** `GET <realm>?service=&scope=` with the session's Basic credentials, if any. */
  private async token(params: Record<string, string>): Promise<string | undefined> {
    const realm = this.checkedUrl(params.realm as string, undefined);
    if (params.service) realm.searchParams.set("service", params.service);
    realm.searchParams.set("scope", params.scope ?? `repository:${this.ctx.repository}:pull`);
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.basic) headers.authorization = this.basic;
    const res = await this.follow(realm, headers, undefined, 64 * 1024);
    if (unavailable(res.status)) throw new UpstreamStatus(res);
    if (res.status !== 200) return undefined;
    const body = parseJson(res.body) as
      | { token?: unknown; access_token?: unknown; expires_in?: unknown }
      | undefined;
    const token = body?.token ?? body?.access_token;
    if (typeof token !== "string" || token === "") return undefined;
    const expiresIn = typeof body?.expires_in === "number" ? body.expires_in : undefined;
    this.ctx.tokens.set(this.cacheKey, token, expiresIn);
    return token;
  }

  /** A realm or redirect target; plain http only towards hosts configured for it. */
  private checkedUrl(raw: string, base: URL | undefined): URL {
    let url: URL;
    try {
      url = new URL(raw, base);
    } catch (cause) {
      throw new RegistryNetworkError(`the registry sent an invalid URL`, "network", { cause });
    }
    if (url.protocol === "https:") return url;
    if (url.protocol === "http:" && this.ctx.isPlain(url)) return url;
    throw new RegistryNetworkError(`the registry sent an insecure URL (${url.host})`, "network");
  }

  /** A GET that follows redirects, each through the guard; credentials stay with their origin. */
  private async follow(
    start: URL,
    headers: Record<string, string>,
    authorization: string | undefined,
    maxBytes?: number,
  ): Promise<HttpResponse> {
    let url = start;
    const origin = start.origin;
    for (let hop = 0; ; hop++) {
      const h = { ...headers };
      if (authorization && url.origin === origin) h.authorization = authorization;
      else if (url.origin !== origin) delete h.authorization;
      const res = await send(
        this.ctx.guard,
        url,
        { headers: h, maxBytes },
        this.ctx.timeoutMs,
        this.ctx.agents,
      );
      const location = header(res, "location");
      if (res.status < 300 || res.status >= 400 || res.status === 304 || !location) return res;
      if (hop >= MAX_REDIRECTS) throw new RegistryNetworkError("too many redirects", "network");
      url = this.checkedUrl(location, url);
    }
  }
}

class UpstreamStatus extends Error {
  // Minified bundles rename classes; tools that print constructor.name must see this one.
  static {
    Object.defineProperty(UpstreamStatus, "name", { value: "UpstreamStatus" });
  }
  constructor(readonly response: HttpResponse) {
    super(`registry answered ${response.status}`);
  }
}

const hostMatcher = (hosts: readonly string[]) => {
  const set = new Set(hosts.map((h) => h.trim().toLowerCase()).filter(Boolean));
  return (url: URL) => {
    const port = url.port || (url.protocol === "http:" ? "80" : "443");
    return set.has(url.hostname.toLowerCase()) || set.has(`${url.hostname.toLowerCase()}:${port}`);
  };
};

export function createRegistryClient(opts: RegistryClientOptions): RegistryClient {
  const guard = createGuard({ allowedHosts: opts.allowedHosts, lookup: opts.lookup });
  const agents = createAgents();
  const tokens = new TokenCache();
  // Config blobs are content-addressed: the working directory under a digest never changes, so a
  // repeat launch of an image skips that round. Keyed by repository too: only a caller who could
  // read that repository's manifest ever reaches an entry.
  const workdirs = new Map<string, string | undefined>();
  const plainHosts = new Set(opts.plainHttpHosts.map((h) => h.trim().toLowerCase()));
  const isPlainHost = (host: string, hostname: string) =>
    plainHosts.has(host) || plainHosts.has(hostname);
  const isPlain = hostMatcher(opts.plainHttpHosts);
  const gitlabHost = opts.gitlabRegistryHost.trim().toLowerCase();

  async function checkOnce(
    ref: ImageRef,
    creds: RegistryCredentials,
    checkOpts: CheckOptions,
  ): Promise<RegistryImage> {
    const scheme = isPlainHost(ref.host, ref.hostname) ? "http" : "https";
    const base = `${scheme}://${ref.host}/v2/${ref.repository}`;
    const ctx: Context = {
      guard,
      agents,
      timeoutMs: opts.timeoutMs,
      isPlain,
      repository: ref.repository,
      origin: `${scheme}://${ref.host}`,
      tokens,
    };
    const manifestUrl = (reference: string) => new URL(`${base}/manifests/${reference}`);
    const accept = { accept: ACCEPT };

    const fixed = opts.credentials?.[ref.host];
    let session = new AuthSession(ctx, fixed && basicHeader(fixed.username, fixed.password));
    let res = await session.get(manifestUrl(ref.reference), accept);
    let isPrivate = false;
    const isGitlab = ref.host === gitlabHost || ref.hostname === gitlabHost;
    if ([401, 403, 404].includes(res.status) && isGitlab && creds.gitlabToken) {
      // 1.18: the anonymous attempt failed; the user's own token may see a private image.
      session = new AuthSession(ctx, basicHeader("oauth2", creds.gitlabToken));
      res = await session.get(manifestUrl(ref.reference), accept);
      isPrivate = res.status === 200;
    }
    if (unavailable(res.status)) throw new UpstreamStatus(res);
    if (res.status !== 200) return { exists: false, private: false };

    // A manifest asked for by digest must hash to it (the registry could be lying or broken).
    if (ref.digest && !matchesDigest(res.body, ref.digest))
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
      res = await session.get(manifestUrl(amd64.digest), accept);
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
    const result: RegistryImage = { exists: true, private: isPrivate, digest };
    if (platforms) result.platforms = platforms;
    const manifest = schemas().manifest.safeParse(json);
    if (checkOpts.workdir !== false && manifest.success) {
      const blobKey = `${base}@${manifest.data.config.digest}`;
      let workdir: string | undefined;
      if (workdirs.has(blobKey)) workdir = workdirs.get(blobKey);
      else {
        const blob = await session.get(new URL(`${base}/blobs/${manifest.data.config.digest}`));
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
  }

  return {
    async check(ref, creds = {}, checkOpts = {}) {
      try {
        return await checkOnce(ref, creds, checkOpts);
      } catch (error) {
        if (error instanceof AppError) throw error;
        const message = `The image registry ${ref.host} could not be reached.`;
        if (error instanceof HostNotFoundError) {
          // The registry's own name does not resolve: there is no such image to be found.
          if (error.host === ref.hostname) return { exists: false, private: false };
          throw upstreamUnavailable(message, { cause: error });
        }
        if (error instanceof UpstreamStatus) {
          throw upstreamUnavailable(`The image registry ${ref.host} is unavailable.`, {
            cause: new Error(`HTTP ${error.response.status} from ${error.response.url.host}`),
          });
        }
        // Timeouts, refused or reset connections, and anything else on the wire.
        throw upstreamUnavailable(message, { cause: error });
      }
    },
  };
}

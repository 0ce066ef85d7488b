/**
 * The registry's token authentication (Docker token spec): a 401 with a `WWW-Authenticate`
 * challenge is answered with a Bearer token from the challenge's realm, or with Basic credentials;
 * redirects are followed with the credentials kept to their origin. Which credentials a check uses
 * is the 1.18 rule: the platform's own for the host (or none) first, then, for the GitLab registry
 * host only, the user's GitLab token as `oauth2:<token>`.
 */
import { parseChallenge } from "./challenge.js";
import type { Guard } from "./guard.js";
import {
  type Agents,
  type HttpResponse,
  header,
  parseJson,
  RegistryNetworkError,
  send,
  UpstreamStatus,
  unavailable,
} from "./http.js";
import { TokenCache } from "./token-cache.js";

const MAX_REDIRECTS = 5;

/** What every request of one check shares. */
export interface AuthContext {
  guard: Guard;
  agents: Agents;
  timeoutMs: number;
  isPlain: (url: URL) => boolean;
  repository: string;
  /** Origin of the registry (scheme://host:port), for the token cache key. */
  origin: string;
  tokens: TokenCache;
}

/** An authorised GET on the registry of one check (AuthSession.get). */
export type RegistryGet = (url: URL, headers?: Record<string, string>) => Promise<HttpResponse>;

const basicHeader = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

/**
 * One set of credentials talking to one repository: answers 401 challenges once per request and
 * keeps the Authorization it obtained for the following requests (manifest, index child, blob).
 */
class AuthSession {
  private authorization: string | undefined;
  private readonly cacheKey: string;

  constructor(
    private readonly ctx: AuthContext,
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

export interface CheckCredentials {
  /** The platform's static Basic credentials for this registry host. */
  fixed?: { username: string; password: string } | undefined;
  /** The user's GitLab token, when the image is on the GitLab registry host. */
  gitlabToken?: string | undefined;
}

/**
 * The first GET of a check (the manifest), with the credentials of the 1.18 rule. Returns the
 * response, the GET to use for the rest of the check, and whether only the user's token could see
 * the image (it is then private and needs an image pull secret).
 */
export async function authorisedGet(
  ctx: AuthContext,
  url: URL,
  headers: Record<string, string>,
  creds: CheckCredentials,
): Promise<{ res: HttpResponse; get: RegistryGet; private: boolean }> {
  const { fixed, gitlabToken } = creds;
  let session = new AuthSession(ctx, fixed && basicHeader(fixed.username, fixed.password));
  let res = await session.get(url, headers);
  let isPrivate = false;
  if ([401, 403, 404].includes(res.status) && gitlabToken) {
    // 1.18: the anonymous attempt failed; the user's own token may see a private image.
    session = new AuthSession(ctx, basicHeader("oauth2", gitlabToken));
    res = await session.get(url, headers);
    isPrivate = res.status === 200;
  }
  const authorised = session;
  return { res, get: (u, h) => authorised.get(u, h), private: isPrivate };
}

/**
 * Registry bearer tokens kept per warm container, so a repeated check costs one request instead
 * of three (challenge, token, retry). Keyed by registry, repository and a hash of the credentials
 * that obtained the token (never the credentials themselves); bounded in size and lifetime. A token
 * the registry no longer accepts only costs the usual challenge round, which replaces it.
 */
import { createHash } from "node:crypto";

const MAX_ENTRIES = 1000;
/** The token spec's default when the server gives no expires_in. */
const DEFAULT_TTL_S = 60;
const MAX_TTL_S = 300;
const MARGIN_S = 10;

export class TokenCache {
  private readonly entries = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  static key(origin: string, repository: string, credentials: string | undefined): string {
    const who = credentials ? createHash("sha256").update(credentials).digest("hex") : "anonymous";
    return `${origin} ${repository} ${who}`;
  }

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  set(key: string, token: string, expiresInS: number | undefined): void {
    const ttl =
      Math.min(expiresInS && expiresInS > 0 ? expiresInS : DEFAULT_TTL_S, MAX_TTL_S) - MARGIN_S;
    if (ttl <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { token, expiresAt: this.now() + ttl * 1000 });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

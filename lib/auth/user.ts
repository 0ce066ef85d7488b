/** Who is calling: derived from the gateway's headers (docs/spec.md section 2). */
export interface RegisteredUser {
  kind: "registered";
  /** The ID token's `sub`. */
  id: string;
  username: string;
  safeUsername: string;
  email: string | undefined;
  fullName: string | undefined;
  /** The OIDC issuer, used for the session's oauth2-proxy. */
  issuer: string | undefined;
  accessToken: string;
  refreshToken: string | undefined;
  gitUrl: string;
  gitToken: string;
  /** Unix seconds; -1 means the token never expires. */
  gitTokenExpiresAt: number;
}

export interface AnonymousUser {
  kind: "anonymous";
  id: string;
  username: string;
  safeUsername: string;
  /**
   * The Renku gateway's session cookie of the request, when forwarded: what the browser presents
   * to an AmaltheaSession's authproxy (the gateway signs it, so it is not the anonymous id).
   * A credential: never logged nor returned.
   */
  sessionCookie?: string;
}

export type User = RegisteredUser | AnonymousUser;

/** The request headers of the API (section 2) that carry who the caller is; the gateway sets them. */
export const HEADERS = {
  accessToken: "renku-auth-access-token",
  idToken: "renku-auth-id-token",
  refreshToken: "renku-auth-refresh-token",
  gitCredentials: "renku-auth-git-credentials",
  anonId: "renku-auth-anon-id",
  cookie: "cookie",
} as const;

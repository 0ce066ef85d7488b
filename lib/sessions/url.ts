import type { Config } from "../config.js";
import { trimTrailingSlashes } from "../trim.js";

/** The ingress path of a session; Jupyter's base_url. */
export const sessionPath = (name: string) => `/sessions/${name}`;

/** The session's public URL: https when the ingress has TLS, no trailing slash. */
export function sessionUrl(host: string, path: string, tls: boolean): string {
  return `${tls ? "https" : "http"}://${host}${trimTrailingSlashes(path)}`;
}

export const configuredSessionUrl = (config: Config, name: string) =>
  sessionUrl(
    config.sessions.ingress.host,
    sessionPath(name),
    Boolean(config.sessions.ingress.tls_secret),
  );

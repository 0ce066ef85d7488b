import type { Config } from "../config/schema.js";
import { trimTrailingSlashes } from "../util/trim.js";

/** The ingress path of a session; Jupyter's base_url. */
export const sessionPath = (name: string) => `/sessions/${name}`;

/**
 * The session's public URL, no trailing slash. The scheme is a setting, not the ingress's TLS:
 * the reference always answered https, and TLS is often terminated at the load balancer.
 */
export function sessionUrl(scheme: "https" | "http", host: string, path: string): string {
  return `${scheme}://${host}${trimTrailingSlashes(path)}`;
}

export const configuredSessionUrl = (config: Config, name: string) =>
  sessionUrl(config.sessions.ingress.scheme, config.sessions.ingress.host, sessionPath(name));

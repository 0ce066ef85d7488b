/**
 * What a browser needs on every answer of the service (issue 24): no MIME sniffing, no framing,
 * no referrer, and a Content-Security-Policy. JSON answers allow nothing; an HTML page names its
 * inline scripts and styles by hash, so nothing else it could be made to hold would run.
 */
import { createHash } from "node:crypto";

const LOCKED = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": LOCKED,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

const hashOf = (source: string) =>
  `'sha256-${createHash("sha256").update(source, "utf8").digest("base64")}'`;

/** The policy of a page of inline scripts and styles that loads its data from its own origin. */
export function pagePolicy(page: { scripts: string[]; styles: string[] }): string {
  return [
    LOCKED,
    `script-src ${page.scripts.map(hashOf).join(" ")}`,
    `style-src ${page.styles.map(hashOf).join(" ")}`,
    "img-src 'self' data:",
    "connect-src 'self'",
  ].join("; ");
}

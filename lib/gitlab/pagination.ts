/** GitLab offset pagination: x-next-page first, the RFC 8288 `link` header as the fallback. */

/** The URL of rel="next" in a link header, if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(",")) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!match) continue;
    const rels = /\brel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? "")?.[1]?.split(/\s+/) ?? [];
    if (rels.includes("next")) return match[1];
  }
  return undefined;
}

export type NextPage = { page: number } | { url: string } | undefined;

/**
 * Where the next page is. GitLab sends x-next-page empty on the last page; keyset pagination and
 * very large collections drop some headers but keep `link`. A link is followed only when it points
 * at the same origin as the API (never let a response steer the token elsewhere).
 */
export function nextPage(headers: Headers, apiOrigin: string): NextPage {
  const header = headers.get("x-next-page");
  if (header !== null) {
    const page = Number(header.trim());
    return header.trim() !== "" && Number.isInteger(page) && page > 0 ? { page } : undefined;
  }
  const link = nextLink(headers.get("link"));
  if (!link) return undefined;
  try {
    const url = new URL(link);
    return url.origin === apiOrigin ? { url: url.href } : undefined;
  } catch {
    return undefined;
  }
}

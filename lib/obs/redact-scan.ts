/**
 * The two secret forms of lib/obs/redact.ts whose extent a regex could only find by backtracking
 * (a quoted value that may hold anything, a URL's user information), found with indexOf and one
 * forward scan each: linear in the text's length.
 */

/** Where a URL's authority ends: its path, query or fragment, or whatever cannot be in a URL. */
const AUTHORITY_END = new Set(["/", "?", "#", " ", "\t", "\r", "\n", '"', "'", "<", ">", "`"]);

/** `scheme://user:password@host` and `scheme://token@host` -> `scheme://[redacted]@host`. */
export function redactUrlCredentials(text: string, mask: string): string {
  let out = "";
  let from = 0;
  for (let at = text.indexOf("://"); at >= 0; at = text.indexOf("://", from)) {
    const start = at + 3;
    let end = start;
    let lastAt = -1;
    while (end < text.length && !AUTHORITY_END.has(text.charAt(end))) {
      if (text.charAt(end) === "@") lastAt = end;
      end++;
    }
    out += text.slice(from, start);
    out += lastAt >= 0 ? `${mask}${text.slice(lastAt, end)}` : text.slice(start, end);
    from = end;
  }
  return out + text.slice(from);
}

const HEADERS = "Headers.";
const INVALID = " is an invalid header value";
const METHOD = /\w+: /y;

/**
 * undici: `Headers.append: "<value>" is an invalid header value.`; the value may hold quotes and
 * the marker itself, so everything from the first prefix to the last marker goes.
 */
export function redactUndiciHeaderValue(text: string, mask: string): string {
  const last = text.lastIndexOf(INVALID);
  if (last < 0) return text;
  for (let at = text.indexOf(HEADERS); at >= 0 && at < last; at = text.indexOf(HEADERS, at + 1)) {
    METHOD.lastIndex = at + HEADERS.length;
    if (!METHOD.test(text)) continue;
    const valueStart = METHOD.lastIndex;
    if (valueStart > last) return text;
    return `${text.slice(0, valueStart)}${mask}${text.slice(last)}`;
  }
  return text;
}

/**
 * Secrets out of free text (error messages and stacks from fetch, upstreams, the cluster) before
 * it is logged. fetch quotes a header value it refuses, tokens travel as "Bearer ...", and JWTs,
 * GitLab tokens and base64 blobs are long runs of token characters. Pattern-based, so a last line
 * of defence: tokens are also validated at authentication and never put into messages on purpose.
 */
export function redactSecrets(text: string): string {
  return (
    illegalHeaderValues(text)
      // undici: `Headers.append: "<value>" is an invalid header value.` (the value may hold quotes).
      .replace(/(Headers\.\w+: ).*( is an invalid header value)/gs, "$1[redacted]$2")
      .replace(/\b(bearer|basic|token)(\s+)[^\s"',;]+/gi, "$1$2[redacted]")
      .replace(/\bglpat-[\w-]+/g, "glpat-[redacted]")
      // Not "/": file paths in stacks stay readable.
      .replace(/[A-Za-z0-9+=_-]{32,}/g, "[redacted]")
  );
}

const NOT_LEGAL = " is not a legal HTTP header value";
const TYPE_ERROR = "TypeError: ";

/**
 * node-fetch: `<value> is not a legal HTTP header value`, the value first in the message (after
 * "TypeError: " in a stack) and possibly holding CR/LF. Found with indexOf, not a backtracking regex.
 */
function illegalHeaderValues(text: string): string {
  let out = "";
  let from = 0;
  for (let end = text.indexOf(NOT_LEGAL); end >= 0; end = text.indexOf(NOT_LEGAL, from)) {
    const segment = text.slice(from, end);
    const prefix = segment.lastIndexOf(TYPE_ERROR);
    out += `${prefix >= 0 ? segment.slice(0, prefix + TYPE_ERROR.length) : ""}[redacted]${NOT_LEGAL}`;
    from = end + NOT_LEGAL.length;
  }
  return out + text.slice(from);
}

/** A copy of a log value with every string in it passed through redactSecrets. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (depth > 6 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
  return out;
}

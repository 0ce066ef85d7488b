/**
 * Secrets out of free text (error messages and stacks from fetch, upstreams, the cluster; event
 * messages) before it is logged or returned. Two halves:
 * - patterns for the known secret forms: quoted header values, `Bearer …`, `token: …`,
 *   `--token=…`, passwords in URLs, GitLab tokens, AWS secret keys, cookie values, and any long
 *   run of token characters;
 * - an allow-list for what the service owns, which those runs would otherwise hide: the names it
 *   gives sessions and their pods (its formula, lib/sessions/server-name.ts), image digests, the
 *   autosave branches it makes, and names a caller passes in `keep`.
 * Every pattern is linear (no nested or overlapping quantifiers, bounded repeats); the header
 * quotes and URL credentials are found with indexOf. A last line of defence: tokens are also
 * validated at authentication and never put into messages on purpose.
 */
import { redactUndiciHeaderValue, redactUrlCredentials } from "./redact-scan.js";

const MASK = "[redacted]";

/** `token: x`, `--token=x`, `"password":"x"`, `aws_secret_access_key = x`: the value goes. */
const KEYED_SECRET =
  /((?:secret[_-]?access[_-]?key|access[_-]?key[_-]?id|client[_-]?secret|api[_-]?key|(?:private|access|refresh|id|git|auth)[_-]?token|token|password|passwd|secret)["']?[ \t]{0,8}[:=][ \t]{0,8}["']?)[^\s"',;&]{1,4096}/gi;
/** A Cookie or Set-Cookie header's value, to the end of its line. */
const COOKIE_HEADER = /((?:set-)?cookie["']?[ \t]{0,8}[:=][ \t]{0,8})[^\r\n"]{1,8192}/gi;
/** The gateway's session cookie wherever it is quoted, whatever its value holds. */
const SESSION_COOKIE = /\b(_renku_session=)[^\s;,"']{1,8192}/g;
/** An AWS secret access key: 40 base64 characters, mixed case and digits (checked below). */
const AWS_SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
/** Any other long run of token characters (JWT parts, base64); not "/", so paths stay readable. */
const LONG_RUN = /[A-Za-z0-9+=_-]{32,}/g;

/** The service's session names (first or alternate, D5, §3.1), their pods' and "-<n>" objects. */
const SESSION_NAME =
  /^[a-z0-9][a-z0-9-]{0,12}-[a-z0-9-]{0,20}-(?:[0-9a-f]{8}|[0-9a-f]{16})(?:-[0-9]{1,3})?$/;
const DIGEST_PREFIXES = ["sha256:", "sha512:"];
const AUTOSAVE_PREFIX = "renku/autosave/";
/** How far back a run may sit in its autosave branch name. */
const BRANCH_LOOKBACK = 1024;

const isAwsSecret = (s: string) => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s);

/** Whether the run at `offset` is part of an autosave branch name the service made. */
function inAutosaveBranch(text: string, offset: number): boolean {
  const from = Math.max(0, offset - BRANCH_LOOKBACK);
  const before = text.slice(from, offset);
  const at = before.lastIndexOf(AUTOSAVE_PREFIX);
  // The branch name runs from the prefix to the run without a break (no space, quote or comma).
  return at >= 0 && !/[\s"',;]/.test(before.slice(at));
}

function owned(run: string, text: string, offset: number, keep: ReadonlySet<string>): boolean {
  if (keep.has(run)) return true;
  if (run.length <= 63 && SESSION_NAME.test(run)) return true;
  if (DIGEST_PREFIXES.some((p) => text.startsWith(p, offset - p.length))) return true;
  return inAutosaveBranch(text, offset);
}

/** The long runs of each kept name: what LONG_RUN would find in it. */
function keptRuns(keep: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const name of keep) for (const run of name.match(LONG_RUN) ?? []) out.add(run);
  return out;
}

/**
 * `keep`: names the caller owns or the service made for this answer (a session's name, its pod's
 * and StatefulSet's), which stay readable even when they look like tokens.
 */
export function redactSecrets(text: string, keep: readonly string[] = []): string {
  const kept = keptRuns(keep);
  return redactUrlCredentials(redactUndiciHeaderValue(illegalHeaderValues(text), MASK), MASK)
    .replace(/\b(bearer|basic|token)(\s+)[^\s"',;]+/gi, `$1$2${MASK}`)
    .replace(KEYED_SECRET, `$1${MASK}`)
    .replace(COOKIE_HEADER, `$1${MASK}`)
    .replace(SESSION_COOKIE, `$1${MASK}`)
    .replace(/\bglpat-[\w-]+/g, `glpat-${MASK}`)
    .replace(AWS_SECRET, (m) => (isAwsSecret(m) ? MASK : m))
    .replace(LONG_RUN, (run, offset: number, whole: string) =>
      owned(run, whole, offset, kept) ? run : MASK,
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
    out += `${prefix >= 0 ? segment.slice(0, prefix + TYPE_ERROR.length) : ""}${MASK}${NOT_LEGAL}`;
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

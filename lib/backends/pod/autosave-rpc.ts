/**
 * The git sidecar's `autosave/create` JSON-RPC (the 1.18.1 image's, images.md): the same commit and
 * push of the unsaved work as its preStop hook, asked before a stop or hibernation whose pod's grace
 * period may not fit it (D24). Whichever route reaches the sidecar, bounded by a deadline, never
 * throwing: the stop goes on whatever the outcome.
 */
import { describeError, isTimeout } from "../../errors.js";
import type { AutosaveOutcome } from "../port.js";

export const AUTOSAVE_REQUEST = { jsonrpc: "2.0", id: 0, method: "autosave/create" };

/** What a failure's detail may carry into a log line: the sidecar's own words, bounded. */
const bounded = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

export async function askAutosave(
  post: (body: unknown, timeoutMs: number) => Promise<unknown>,
  deadlineMs: number,
): Promise<AutosaveOutcome> {
  let answer: unknown;
  try {
    answer = await post(AUTOSAVE_REQUEST, deadlineMs);
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause ?? err;
    const detail = bounded(describeError(err));
    return { failed: isTimeout(cause) || isTimeout(err) ? "deadline" : "unreachable", detail };
  }
  const rpc = (answer ?? {}) as { result?: unknown; error?: { message?: unknown } };
  // The image answers null when there was nothing to save, the branch's name when it pushed one.
  if (rpc.result === null) return { saved: "" };
  if (typeof rpc.result === "string") return { saved: rpc.result };
  const message = rpc.error?.message;
  return {
    failed: "refused",
    detail: bounded(typeof message === "string" ? message : "a malformed JSON-RPC answer"),
  };
}

/**
 * The fetch that upstream calls use: node-fetch over node:http rather than Node's global fetch.
 * The global one is undici, which Node loads on its first call; that load cost about 40 ms of every
 * cold start that talks to GitLab (npm run bench, section 1), node-fetch about 8. The callers use
 * only what both share (status, headers.get, text, AbortSignal timeouts, manual redirects). A
 * network failure is node-fetch's FetchError rather than undici's TypeError.
 */
import nodeFetch from "node-fetch";

const send = nodeFetch as unknown as typeof fetch;

export const httpFetch: typeof fetch = (input, init) =>
  send(input, init).catch((err: unknown) => {
    // node-fetch reports any abort as "AbortError: The user aborted a request."; as undici does,
    // give the signal's own reason instead (a TimeoutError for AbortSignal.timeout).
    if (init?.signal?.aborted) throw init.signal.reason;
    throw err;
  });

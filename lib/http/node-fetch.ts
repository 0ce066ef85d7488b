/**
 * The fetch that upstream calls use: node-fetch over node:http rather than Node's global fetch.
 * The global one is undici, which Node loads on its first call; that load cost about 40 ms of every
 * cold start that talks to GitLab (npm run bench, section 1), node-fetch about 8. The callers use
 * only what both share (status, headers.get, text, AbortSignal timeouts, manual redirects); their
 * failures differ in shape only: a network failure is node-fetch's FetchError rather than a
 * TypeError, and a timeout is an AbortError.
 */
import nodeFetch from "node-fetch";

export const httpFetch = nodeFetch as unknown as typeof fetch;

/**
 * A model of the Python reference (notebooks-api.md 4.1 [1.18]) for `npm run bench`: the calls it
 * makes, one after another, done by bare clients against the same stand-ins, plus its own cost of a
 * request without upstream calls (GET /server_options of the reference, measured side by side on
 * this machine: 2.5 ms, issue 16). Bare clients cost less than the reference's, so the model is a
 * lower bound: an endpoint at or under it is no slower than the reference.
 */

export type Upstream = "k8s" | "gitlab" | "registry";

export interface ModelCall {
  upstream: Upstream;
  /** What the call is, in the spec's words. */
  call: string;
  /** The step of notebooks-api.md 4.1 (or 7.2) it belongs to. */
  step: string;
}

/** The reference's own cost of one request, with no upstream call (its GET /server_options). */
export const REFERENCE_REQUEST_MS = 2.5;

/**
 * POST /notebooks/servers, a new session (4.1): the name's CR looked up, the existence checks one
 * after another (GitLab project, branch, commit; then the registry's token and the manifest,
 * 7.2), then the create. The autosave clean-up of step 8 is left out: the model stays a lower bound.
 */
export const REFERENCE_POST: readonly ModelCall[] = [
  { upstream: "k8s", call: "get the JupyterServer of that name", step: "3" },
  { upstream: "gitlab", call: "get the project", step: "6" },
  { upstream: "gitlab", call: "get the branch", step: "6" },
  { upstream: "gitlab", call: "get the commit", step: "6" },
  {
    upstream: "registry",
    call: "token: the anonymous manifest probe and its challenge",
    step: "6, 7.2",
  },
  { upstream: "registry", call: "get the manifest", step: "6, 7.2" },
  { upstream: "k8s", call: "create the JupyterServer", step: "7" },
];

/** The warm endpoints: one list, one get, an image check (7.2), and no call at all. */
export const REFERENCE_WARM: Readonly<Record<string, readonly ModelCall[]>> = {
  "GET /servers": [{ upstream: "k8s", call: "list the caller's JupyterServers", step: "3.4" }],
  "GET /servers/{name}": [{ upstream: "k8s", call: "get the JupyterServer", step: "4" }],
  "GET /images": [
    {
      upstream: "registry",
      call: "token: the anonymous manifest probe and its challenge",
      step: "7.2",
    },
    { upstream: "registry", call: "get the manifest", step: "7.2" },
  ],
  "GET /server_options": [],
};

/** Performs one model call; the bench gives real clients, the model's test recording ones. */
export type Perform = (call: ModelCall, index: number) => Promise<void>;

/** Runs the calls strictly one after another, as the reference does; the elapsed ms. */
export async function runModel(calls: readonly ModelCall[], perform: Perform): Promise<number> {
  const t0 = performance.now();
  for (const [i, call] of calls.entries()) await perform(call, i);
  return performance.now() - t0 + REFERENCE_REQUEST_MS;
}

import { DEFAULT_UI_CHOICES } from "../config/defaults.js";

/**
 * Examples for the OpenAPI document: one per request body and per response. They use the local
 * seed's project (test/local/seed.json), so they also work against `npm start`; a test parses each
 * one with the route's own zod schema, so they cannot drift from what the service accepts and sends.
 */
import { V2_PARAMETER_EXAMPLES, V2_REQUEST_EXAMPLES, V2_RESPONSE_EXAMPLES } from "./v2/examples.js";

const COMMIT = "f1ea33570b1b86af316b85539c1b5d5c07949a82";
const SERVER = "alice-renku-demo-hello-world-f1ea3357";

const notebook = {
  name: SERVER,
  annotations: {
    "renku.io/namespace": "renku-demo",
    "renku.io/projectName": "hello-world",
    "renku.io/branch": "master",
    "renku.io/commit-sha": COMMIT,
    "renku.io/username": "alice",
    "renku.io/hibernation": null,
  },
  state: { pod_name: `${SERVER}-0` },
  started: "2026-01-15T09:30:00+00:00",
  status: {
    state: "running",
    details: [
      { step: "Initialization", status: "ready" },
      { step: "Starting session", status: "ready" },
    ],
    totalNumContainers: 4,
    readyNumContainers: 4,
    warnings: [],
  },
  url: `https://sessions.localhost/sessions/${SERVER}`,
  resources: { requests: { cpu: 0.5, memory: "1G", storage: "1G" } },
  image: "renku-demo/hello-world:f1ea335",
};

/** What the service really answers (lib/errors.ts, lib/auth/authenticate.ts). */
const errors: Record<number, { code: number; message: string; detail?: string }> = {
  401: {
    code: 1401,
    message: "Accessing the requested resource requires authentication, please log in.",
    detail:
      "The required authentication headers ['Renku-Auth-Access-Token', 'Renku-Auth-Id-Token', 'Renku-Auth-Git-Credentials'] are missing. If anonymous user sessions are supported then the header Renku-Auth-Anon-Id can also be used.",
  },
  404: { code: 1404, message: `The requested session ${SERVER} does not exist.` },
  422: {
    code: 1422,
    message: "The request was well-formed but was unable to be followed due to semantic errors.",
    detail: "commit_sha: Not a valid commit SHA.",
  },
  500: { code: 3002, message: `Cannot start the session ${SERVER}` },
};

/** The error body of a status, in the documented format. */
export const errorExample = (status: number) => ({
  error: errors[status] ?? { code: 2000, message: "An unexpected error occurred." },
});

/** Success examples by route id and status. */
export const RESPONSE_EXAMPLES: Record<string, Record<number, unknown>> = {
  health: { 200: "service running under /notebooks" },
  version: {
    200: {
      name: "renku-notebooks",
      versions: [
        {
          version: "0.1.0",
          data: {
            anonymousSessionsEnabled: true,
            cloudstorageEnabled: { s3: false, azure_blob: false },
            sshEnabled: false,
            defaultCullingThresholds: {
              registered: { idle: 86400, hibernation: 259200 },
              anonymous: { idle: 43200, hibernation: 1 },
            },
          },
        },
      ],
    },
  },
  spec: { 200: { openapi: "3.1.0", info: { title: "Renku notebooks API", version: "0.1.0" } } },
  docs: { 200: "<!doctype html><html>… Swagger UI over /notebooks/spec.json …</html>" },
  serversList: { 200: { servers: { [SERVER]: notebook } } },
  serversGet: { 200: notebook },
  serversCreate: {
    404: {
      error: {
        code: 1404,
        message:
          "Cannot start the session because the following Git or Docker resources are missing: commit 0123456789abcdef0123456789abcdef01234567 does not exist",
      },
    },
    200: notebook,
    201: { ...notebook, status: { ...notebook.status, state: "starting", readyNumContainers: 0 } },
  },
  serversPatch: { 200: { ...notebook, status: { ...notebook.status, state: "hibernated" } } },
  serverOptions: {
    200: {
      defaultUrl: DEFAULT_UI_CHOICES.defaultUrl,
      lfs_auto_fetch: DEFAULT_UI_CHOICES.lfs_auto_fetch,
    },
  },
  logs: { 200: { "jupyter-server": "[I 09:30:02 ServerApp] Jupyter Server is running\n" } },
  serversEvents: {
    200: {
      events: [
        {
          time: "2026-01-15T09:30:01.000Z",
          type: "Normal",
          reason: "Scheduled",
          message: `Successfully assigned renku/${SERVER}-0 to node-1`,
          count: 1,
          object: { kind: "Pod", name: `${SERVER}-0` },
          step: null,
        },
        {
          time: "2026-01-15T09:30:43.000Z",
          type: "Normal",
          reason: "Pulled",
          message:
            'Successfully pulled image "registry.example.org/renku-demo/hello-world:f1ea335" in 41.2s (41.2s including waiting). Image size: 2147483648 bytes.',
          count: 1,
          object: { kind: "Pod", name: `${SERVER}-0` },
          step: "Starting session",
        },
      ],
      next_since: "1768469443000-4711",
    },
  },
  autosavesList: {
    404: { error: { code: 1404, message: "Cannot find project renku-demo/no-such-project" } },
    200: {
      pvsSupport: true,
      autosaves: [
        {
          branch: "master",
          commit: "41e286a55214cebed2ffbde6f5c5be628ccd2525",
          pvs: false,
          date: "2026-01-14T09:00:00+00:00",
          name: "renku/autosave/alice/master/41e286a/8ae5118",
        },
      ],
    },
  },
  ...V2_RESPONSE_EXAMPLES,
};

/** Request body examples by route id. */
export const REQUEST_EXAMPLES: Record<string, unknown> = {
  serversCreate: {
    namespace: "renku-demo",
    project: "hello-world",
    branch: "master",
    commit_sha: COMMIT,
  },
  serversPatch: { state: "hibernated" },
  ...V2_REQUEST_EXAMPLES,
};

/** Parameter examples by name (path and query). */
export const PARAMETER_EXAMPLES: Record<string, string> = {
  server_name: SERVER,
  // Unencoded: API clients (Swagger UI too) encode path parameters themselves.
  namespace_project: "renku-demo/hello-world",
  autosave_name: "renku/autosave/alice/master/41e286a/8ae5118",
  image_url: "renku-demo/hello-world:f1ea335",
  project: "hello-world",
  namespace: "renku-demo",
  branch: "master",
  commit_sha: COMMIT,
  forced: "false",
  max_lines: "250",
  since: "1768469401000-4690",
  ...V2_PARAMETER_EXAMPLES,
};

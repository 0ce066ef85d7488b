/**
 * Examples of the v2 routes for the OpenAPI document, on the local seed's launcher (so they work
 * against `npm start`), in renku-data-services' shapes and error messages.
 */
const SESSION = "alice-0a9a279628d6";
const LAUNCHER = "01JDV2SES00000000000000001";
const PROJECT = "01JDV2PRJ00000000000000001";

const session = {
  image: "renku/singleuser:latest",
  name: SESSION,
  resources: { requests: { cpu: 0.5, memory: 1, storage: 1 } },
  started: "2026-01-15T09:30:00Z",
  status: { state: "running", ready_containers: 6, total_containers: 6 },
  url: `http://sessions.localhost/sessions/${SESSION}/lab/`,
  project_id: PROJECT,
  launcher_id: LAUNCHER,
  resource_class_id: 1,
  session_type: "interactive",
  command_args: [],
};

const missing = (message: string) => ({ error: { code: 1404, message } });
const invalid = (message: string) => ({ error: { code: 1422, message } });

export const V2_RESPONSE_EXAMPLES: Record<string, Record<number, unknown>> = {
  v2SessionsList: {
    200: [session],
    422: invalid(
      'There are errors in the following fields, session_type: Invalid option: expected one of "interactive"|"non-interactive"',
    ),
  },
  v2SessionsCreate: {
    200: session,
    201: { ...session, status: { state: "starting", ready_containers: 0, total_containers: 0 } },
    401: {
      error: {
        code: 1401,
        message:
          "You have to have a renku session cookie at _renku_session in order to launch an anonymous session.",
      },
    },
    404: missing(
      `Session launcher with id '${LAUNCHER}' does not exist or you do not have access to it.`,
    ),
    422: invalid(
      "Cannot start the session because your quota in the selected resource pool is exhausted.",
    ),
  },
  v2SessionsImages: {
    200: {
      accessible: true,
      platforms: [
        { architecture: "amd64", os: "linux" },
        { architecture: "arm64", os: "linux" },
      ],
    },
    422: invalid("There are errors in the following fields, image_url: Field required"),
  },
  v2SessionsGet: {
    200: session,
    404: missing(`The session with ID ${SESSION} does not exist.`),
  },
  v2SessionsPatch: {
    200: { ...session, status: { state: "hibernated", ready_containers: 0, total_containers: 6 } },
    404: missing(`The session with ID ${SESSION} does not exist`),
    422: invalid("The timestamp is in the future: 2999-01-01T00:00:00Z"),
  },
  v2SessionsLogs: {
    200: { "amalthea-session": "[I 09:30:01 ServerApp] Jupyter Server is running" },
    404: missing(`Cannot find session ${SESSION} for user sub-alice to retrieve logs.`),
    422: invalid(
      "There are errors in the following fields, max_lines: Input should be a valid integer",
    ),
  },
};

export const V2_REQUEST_EXAMPLES: Record<string, unknown> = {
  v2SessionsCreate: { launcher_id: LAUNCHER },
  v2SessionsPatch: { state: "hibernated" },
};

export const V2_PARAMETER_EXAMPLES: Record<string, string> = {
  session_id: SESSION,
  session_type: "interactive",
};

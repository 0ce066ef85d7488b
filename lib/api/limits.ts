/**
 * Length limits, each fitting what the string is: no request string is unbounded, so no parser,
 * regex or upstream call ever sees more than this (issue 14).
 */
export const LIMITS = {
  /** A session (Kubernetes) name; ours are at most 42 characters. */
  serverName: 63,
  /** A GitLab full path (group/subgroups/project); GitLab allows 255 per segment. */
  projectPath: 1024,
  /** One GitLab path segment (a project's path). */
  pathSegment: 255,
  /** A git branch name (and an autosave branch name, which embeds one). */
  branch: 255,
  autosaveName: 1024,
  /** An image reference: the registry refuses longer ones anyway. */
  image: 512,
  /** A URL path inside the session, or a notebook's path in the repository. */
  urlPath: 2048,
  /** A Kubernetes quantity such as "500m" or "1.5Gi". */
  quantity: 32,
  /** GET /logs: lines per container, and bytes per container (Lambda answers at most 6 MB). */
  logLines: 10_000,
  logBytes: 256 * 1024,
  /** Session environment variables: they land twice in the custom resource (env and .Renviron),
   * which must stay far below the API server's ~3 MiB request limit. */
  envCount: 100,
  envName: 128,
  envValue: 32 * 1024,
  envTotal: 256 * 1024,
  /** A JSON answer: Lambda returns at most 6 MB (6,291,456 bytes) to API Gateway, headers included. */
  responseBytes: 6 * 1024 * 1024 - 64 * 1024,
} as const;

/** Wires deps.gitlab: GitLab clients for a token (a user's, the service's) or anonymous. */
import { provideAdapter } from "../deps.js";
import { createGitLabClient } from "../gitlab/client.js";

provideAdapter(
  "gitlab",
  (config, log) => (token?: string) =>
    createGitLabClient({
      baseUrl: config.git.url,
      token,
      timeoutMs: config.upstream_timeout_ms,
      log,
    }),
);

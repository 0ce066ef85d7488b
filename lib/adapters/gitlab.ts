/** GitLab clients for a token (a user's, the service's) or anonymous. */

import { createGitLabClient } from "../gitlab/client.js";
import type { Adapter } from "./deps.js";

export const gitlab: Adapter<"gitlab"> =
  ({ config, log }) =>
  (token, opts = {}) =>
    createGitLabClient({
      baseUrl: config.git.url,
      token,
      timeoutMs: config.upstream_timeout_ms,
      maxRetryMs: opts.maxRetryMs,
      log: opts.log ?? log,
    });

export {
  createGitLabClient,
  GITLAB_CREDENTIALS_MESSAGE,
  type GitLabClientOptions,
} from "./client.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
export * from "./types.js";

export { gitRemoteOf } from "./git-remote.js";
export * from "./server.js";
export { GitLabState, type ProjectRecord } from "./state.js";

/** Shared inputs for the sessions unit tests. */
import type { AnonymousUser, RegisteredUser } from "../../../lib/auth/user.js";
import type { LaunchInput } from "../../../lib/backends/pod/launch.js";
import { loadConfig } from "../../../lib/config/load.js";
import type { Config } from "../../../lib/config/schema.js";
import type {
  GitlabProject,
  ImageCheck,
  LaunchRequest,
  ResolvedResources,
} from "../../../lib/sessions/types.js";

export const testConfig = (env: Record<string, string> = {}): Config =>
  loadConfig({ NB_STAGE: "local", NB_SESSIONS__INGRESS__HOST: "renku.example.org", ...env });

export const registered: RegisteredUser = {
  kind: "registered",
  id: "0b1f7c2e-user-sub",
  username: "john.doe",
  safeUsername: "john-2edoe",
  email: "john@example.org",
  fullName: "John Doe",
  issuer: "https://renku.example.org/auth/realms/Renku",
  accessToken: "access-secret-1",
  refreshToken: "refresh-secret-1",
  gitUrl: "https://gitlab.example.org",
  gitToken: "glpat-secret-1",
  gitTokenExpiresAt: 1_900_000_000,
};

export const anonymous: AnonymousUser = {
  kind: "anonymous",
  id: "anon-abc123",
  username: "anon-abc123",
  safeUsername: "anon-2dabc123",
};

export const project: GitlabProject = {
  id: 42,
  path_with_namespace: "Group/My-Project",
  path: "my-project",
  http_url_to_repo: "https://gitlab.example.org/group/my-project.git",
  web_url: "https://gitlab.example.org/group/my-project",
  visibility: "public",
  accessLevel: 30,
};

export const request: LaunchRequest = {
  namespace: "group",
  project: "my-project",
  branch: "master",
  commitSha: "0123456789abcdef0123456789abcdef01234567",
  requestedImage: null,
  environmentVariables: {},
};

export const image: ImageCheck = {
  image: "registry.example.org/group/my-project:0123456",
  private: false,
  workdir: "/home/jovyan",
  usedDefault: false,
};

export const resources: ResolvedResources = {
  cpu: 0.5,
  memory: 1_000_000_000,
  storage: 1_000_000_000,
  gpu: 0,
  defaultUrl: "/lab",
  lfsAutoFetch: false,
  priorityClass: null,
  resourceClassId: null,
};

export function manifestInput(over: Partial<LaunchInput> = {}): LaunchInput {
  return {
    config: testConfig(),
    user: registered,
    gitlabUser: { email: "john@gitlab.example.org", name: "John D." },
    name: "john-2edoe-my-project-1a2b3c4d",
    request,
    project,
    image,
    resources,
    ...over,
  };
}

/** Names and credentials the suite's registries are seeded with; tests and the demo share them. */

/** The user whose GitLab token the registries accept (test/helpers/users.ts makes glpat-<name>-secret). */
export const REGISTRY_GITLAB_USER = "alice";
export const REGISTRY_GITLAB_TOKEN = "glpat-alice-secret";
/** Pushes the seed images; has push rights on every registry. */
export const PUSHER = { username: "pusher", password: "pusher-secret-pw" } as const;
export const TOKEN_SERVICE = "local-registry";
export const TOKEN_ISSUER = "local-token-server";

export const WORKDIRS = {
  docker: "/home/jovyan/docker-v2",
  oci: "/home/jovyan/oci",
  amd64: "/home/jovyan/amd64",
  arm64: "/home/jovyan/arm64",
  private: "/home/jovyan/private",
  commit: "/home/jovyan/work",
} as const;

/** Image kinds the pusher knows how to make. */
export type SeedImage =
  | { repository: string; tag: string; kind: "docker" | "oci"; workdir?: string }
  | {
      repository: string;
      tag: string;
      kind: "oci-index" | "docker-list";
      platforms: Array<{ architecture: string; workdir?: string }>;
    };

/** What every suite registry holds. */
export const SEED_IMAGES: SeedImage[] = [
  { repository: "demo/docker-v2", tag: "1.0", kind: "docker", workdir: WORKDIRS.docker },
  { repository: "demo/oci", tag: "1.0", kind: "oci", workdir: WORKDIRS.oci },
  { repository: "demo/noworkdir", tag: "1.0", kind: "oci" },
  {
    repository: "demo/multi",
    tag: "1.0",
    kind: "oci-index",
    platforms: [
      { architecture: "arm64", workdir: WORKDIRS.arm64 },
      { architecture: "amd64", workdir: WORKDIRS.amd64 },
    ],
  },
  {
    repository: "demo/list",
    tag: "1.0",
    kind: "docker-list",
    platforms: [
      { architecture: "amd64", workdir: WORKDIRS.amd64 },
      { architecture: "arm64", workdir: WORKDIRS.arm64 },
    ],
  },
  {
    repository: "demo/arm-only",
    tag: "1.0",
    kind: "oci-index",
    platforms: [{ architecture: "arm64", workdir: WORKDIRS.arm64 }],
  },
];

/** Only on the bearer-token registry: anonymous tokens do not cover repositories under private/. */
export const PRIVATE_IMAGES: SeedImage[] = [
  { repository: "private/secret", tag: "1.0", kind: "oci", workdir: WORKDIRS.private },
];

export const isPrivateRepository = (name: string) => name.startsWith("private/");

/** What global-setup provides to the test files (vitest inject("registries")). */
export interface SuiteRegistries {
  open: { url: string; host: string };
  basic: { url: string; host: string; username: string; password: string };
  token: { url: string; host: string; tokenUrl: string; service: string; issuer: string };
}

declare module "vitest" {
  export interface ProvidedContext {
    registries: SuiteRegistries;
  }
}

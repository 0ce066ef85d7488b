/**
 * The defaults of the session choices the UI shows (server_options) and of a launch; the OpenAPI
 * examples read them too.
 */

export const DEFAULT_UI_CHOICES = {
  defaultUrl: {
    order: 1,
    displayName: "Default Environment",
    type: "enum",
    default: "/lab",
    options: ["/lab"],
  },
  cpu_request: {
    order: 2,
    displayName: "Number of CPUs",
    type: "enum",
    default: 0.5,
    options: [0.5, 1.0],
  },
  mem_request: {
    order: 3,
    displayName: "Amount of Memory",
    type: "enum",
    default: "1G",
    options: ["1G", "2G"],
  },
  disk_request: {
    order: 4,
    displayName: "Amount of Storage",
    type: "enum",
    default: "1G",
    options: ["1G", "10G"],
  },
  gpu_request: { order: 5, displayName: "Number of GPUs", type: "enum", default: 0, options: [0] },
  lfs_auto_fetch: {
    order: 6,
    displayName: "Automatically fetch LFS data",
    type: "boolean",
    default: false,
  },
} as const;

export const DEFAULT_SERVER_DEFAULTS = {
  defaultUrl: "/lab",
  cpu_request: 0.5,
  mem_request: "1G",
  disk_request: "1G",
  gpu_request: 0,
  lfs_auto_fetch: false,
} as const;

/** The stage that runs on a developer's machine (offline, invoke local, tests): the one not strict. */
export const LOCAL_STAGE = "local";

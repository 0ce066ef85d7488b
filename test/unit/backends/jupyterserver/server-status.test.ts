import { describe, expect, it } from "vitest";
import { serverStatus } from "../../../../lib/backends/jupyterserver/server-status.js";
import type { JupyterServerStatus } from "../../../../lib/backends/jupyterserver/types.js";
import { exitCodeMessage, unschedulableMessage } from "../../../../lib/backends/pod/status.js";
import type { ContainerStatus } from "../../../../lib/backends/pod/types.js";
import { testConfig } from "../../sessions/fixtures.js";
import { CREATED, storedServer } from "../../sessions/js-fixture.js";

const config = testConfig();
const now = new Date("2026-01-01T12:00:00Z");
const status = (
  s: JupyterServerStatus | undefined,
  over: Parameters<typeof storedServer>[1] = {},
) => serverStatus(storedServer(s, over), config, now);

const allReady = {
  init: { "init-certificates": "ready", "download-image": "ready", "git-clone": "ready" },
  regular: {
    "jupyter-server": "ready",
    "oauth2-proxy": "ready",
    "git-proxy": "ready",
    "git-sidecar": "ready",
  },
} as const;

describe("states and steps", () => {
  it("a fresh CR without status is starting with every step waiting, in display order", () => {
    expect(status(undefined)).toEqual({
      state: "starting",
      message:
        "Steps with non-ready statuses: initialization, downloading server image, cloning and configuring the repository, git credentials services, authentication and proxying services, auxiliary session services, starting session.",
      details: [
        { step: "Initialization", status: "waiting" },
        { step: "Downloading server image", status: "waiting" },
        { step: "Cloning and configuring the repository", status: "waiting" },
        { step: "Git credentials services", status: "waiting" },
        { step: "Authentication and proxying services", status: "waiting" },
        { step: "Auxiliary session services", status: "waiting" },
        { step: "Starting session", status: "waiting" },
      ],
      totalNumContainers: 7,
      readyNumContainers: 0,
      warnings: [],
    });
  });

  it("anonymous sessions synthesise the anonymous container list", () => {
    const s = status(undefined, { anonymous: true });
    expect(s.details.map((d) => d.step)).toEqual([
      "Initialization",
      "Downloading server image",
      "Cloning and configuring the repository",
      "Git credentials services",
      "Proxying services",
      "Starting session",
    ]);
  });

  it("while starting, init and regular summaries are filled with waiting steps separately", () => {
    const initOnly = status({
      state: "starting",
      containerStates: {
        init: { "init-certificates": "ready", "git-clone": "executing" },
        regular: {},
      },
    });
    expect(initOnly.details).toEqual([
      { step: "Initialization", status: "ready" },
      { step: "Cloning and configuring the repository", status: "executing" },
      { step: "Git credentials services", status: "waiting" },
      { step: "Authentication and proxying services", status: "waiting" },
      { step: "Auxiliary session services", status: "waiting" },
      { step: "Starting session", status: "waiting" },
    ]);
    const regularOnly = status({
      containerStates: { init: {}, regular: { "jupyter-server": "executing" } },
    });
    expect(regularOnly.details).toEqual([
      { step: "Initialization", status: "waiting" },
      { step: "Downloading server image", status: "waiting" },
      { step: "Cloning and configuring the repository", status: "waiting" },
      { step: "Starting session", status: "executing" },
    ]);
    // Only while starting: a failed session shows what the operator wrote.
    const failed = status({ state: "failed", containerStates: { init: {}, regular: {} } });
    expect(failed.details).toEqual([]);
  });

  it("starting with some steps ready counts them and names the rest", () => {
    const s = status({
      state: "starting",
      containerStates: {
        init: { "git-clone": "executing", "init-certificates": "ready", "download-image": "ready" },
        regular: {
          "jupyter-server": "waiting",
          "oauth2-proxy": "waiting",
          "git-proxy": "waiting",
          "git-sidecar": "waiting",
        },
      },
    });
    expect(s.readyNumContainers).toBe(2);
    expect(s.totalNumContainers).toBe(7);
    expect(s.details[2]).toEqual({
      step: "Cloning and configuring the repository",
      status: "executing",
    });
    expect(s.message).toBe(
      "Steps with non-ready statuses: cloning and configuring the repository, git credentials services, authentication and proxying services, auxiliary session services, starting session.",
    );
  });

  it("running has no message; unknown containers are not listed", () => {
    const s = status({
      state: "running",
      containerStates: {
        init: allReady.init,
        regular: { ...allReady.regular, "custom-thing": "ready" },
      },
    });
    expect(s.state).toBe("running");
    expect(s.message).toBeUndefined();
    expect(s.totalNumContainers).toBe(7);
    expect(s.readyNumContainers).toBe(7);
  });

  it("hibernated and stopping pass through; a deletion timestamp shows stopping", () => {
    expect(
      status({ state: "hibernated", containerStates: { init: {}, regular: {} } }),
    ).toMatchObject({
      state: "hibernated",
      details: [],
      totalNumContainers: 0,
    });
    const js = storedServer({ state: "running", containerStates: allReady });
    js.metadata.deletionTimestamp = "2026-01-01T11:59:00Z";
    expect(serverStatus(js, config, now).state).toBe("stopping");
  });
});

const pod = (over: Record<string, unknown>) => ({
  name: "x-0",
  status: { phase: "Pending", ...over },
});

describe("failure messages", () => {
  it("unschedulable: picks the clause with the largest count", () => {
    const s = status({
      state: "failed",
      mainPod: pod({
        conditions: [
          { type: "Initialized", status: "True", lastTransitionTime: "2026-01-01T10:00:00Z" },
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            lastTransitionTime: "2026-01-01T10:00:05Z",
            message:
              "0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 4 Insufficient memory. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
          },
        ],
      }),
    });
    expect(s.message).toBe(
      "Your session cannot be scheduled due to insufficent resources. The most likely reason is: 'Insufficient memory'. You may wait for resources to free up or you can adjust the specific resource and restart your session.",
    );
  });

  it("unschedulable with an unparsable message passes it through; non-pending pods are not unschedulable", () => {
    const cond = {
      type: "PodScheduled",
      status: "False",
      reason: "Unschedulable",
      message: "no nodes today",
    };
    expect(unschedulableMessage({ phase: "Pending", conditions: [cond] })).toBe("no nodes today");
    expect(unschedulableMessage({ phase: "Running", conditions: [cond] })).toBeUndefined();
    expect(
      unschedulableMessage({
        phase: "Pending",
        conditions: [
          { ...cond, lastTransitionTime: "2026-01-01T10:00:00Z" },
          { type: "Initialized", status: "True", lastTransitionTime: "2026-01-01T10:01:00Z" },
        ],
      }),
    ).toBeUndefined();
  });

  it("the first event message (components by name): the quota message", () => {
    const s = status({
      state: "failed",
      events: {
        zeta: { message: "later" },
        statefulset: { message: "The resource quota has been exceeded.", timestamp: CREATED },
        alpha: { message: null },
      },
    });
    expect(s.message).toBe("The resource quota has been exceeded.");
  });

  const failedWith = (containers: ContainerStatus[], init: ContainerStatus[] = []) =>
    status({
      state: "failed",
      mainPod: {
        name: "x-0",
        status: { phase: "Running", containerStatuses: containers, initContainerStatuses: init },
      },
    }).message;

  it("git-clone's exit code is explained first", () => {
    expect(
      failedWith(
        [{ name: "jupyter-server", state: { terminated: { exitCode: 137 } } }],
        [{ name: "git-clone", state: { terminated: { exitCode: 204 } } }],
      ),
    ).toBe("Cannot clone repository: Requested branch doesn't exist on remote.");
  });

  it("jupyter-server's code comes from lastState when it is crash-looping", () => {
    expect(
      failedWith([
        {
          name: "jupyter-server",
          restartCount: 4,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { exitCode: 127 } },
        },
      ]),
    ).toBe(
      "The image does not contain the required command to start the server. Please make sure your Dockerfile is correct and up-to-date.",
    );
  });

  it("only auxiliary failures are counted", () => {
    expect(
      failedWith([
        { name: "git-proxy", state: { terminated: { exitCode: 1 } } },
        { name: "git-sidecar", lastState: { terminated: { exitCode: 2 } } },
        { name: "jupyter-server", state: { terminated: { exitCode: 0 } } },
      ]),
    ).toBe(
      "There are failures in 2 auxiliary server containers. Please restart your session as this may be an intermittent problem. If issues persist contact your administrator or the Renku team.",
    );
  });

  it("the exit-code table", () => {
    const generic =
      "The server shut down unexpectedly. Please ensure that your Dockerfile is correct and up-to-date.";
    expect(exitCodeMessage(125)).toMatch(
      /^The command to start the server was invoked but it did not complete/,
    );
    expect(exitCodeMessage(126)).toBe(
      "The command to start the server cannot be invoked. Please make sure your Dockerfile is correct and up-to-date.",
    );
    expect(exitCodeMessage(128)).toBe(
      `${generic} In some cases this can be the result of low disk space, please restart your server with more storage.`,
    );
    expect(exitCodeMessage(137)).toBe(
      "The server was terminated by the cluster. Potentially because of consuming too much resources. Please restart your server and request more memory and storage.",
    );
    for (const code of [134, 139, 143, 1, 255]) expect(exitCodeMessage(code)).toBe(generic);
    expect(exitCodeMessage(200)).toBe("Cannot clone repository: Unhandled git error.");
    expect(exitCodeMessage(201)).toBe(
      "Cannot clone repository: Git remote server is unavailable. Try again later.",
    );
    expect(exitCodeMessage(202)).toBe(
      "Cannot clone repository: Autosave branch name is in an unexpected format and cannot be processed.",
    );
    expect(exitCodeMessage(203)).toBe(
      "Cannot clone repository: No disk space left on device, please stop this session and start a new one with more storage.",
    );
    expect(exitCodeMessage(205)).toBe("Cannot clone repository: Error fetching submodules.");
  });

  it("a failed state with nothing to explain has no message", () => {
    expect(status({ state: "failed" }).message).toBeUndefined();
  });
});

describe("warnings", () => {
  it("the default image", () => {
    const s = status({ state: "running" }, { image: config.sessions.default_image });
    expect(s.warnings).toEqual([
      { message: "Server was started using the default image.", critical: false },
    ]);
  });

  it("idle (1.18 counter, D11: it fires) when within the warning window", () => {
    expect(status({ state: "running", idleSeconds: 50_000 }).warnings).toEqual([
      { message: "Server is idle and will be terminated in 36400 seconds.", critical: true },
    ]);
    expect(status({ state: "running", idleSeconds: 1000 }).warnings).toEqual([]);
  });

  it("idle (lastActivityDate) warns near hibernation, not while far from it", () => {
    const fresh = status(
      { state: "running" },
      { annotations: { "renku.io/lastActivityDate": "2026-01-01T11:00:00Z" } },
    );
    expect(fresh.warnings).toEqual([]);
    const late = status(
      { state: "running" },
      { annotations: { "renku.io/lastActivityDate": "2025-12-31T14:00:00Z" } },
    );
    expect(late.warnings).toEqual([
      { message: "Server is idle and will be hibernated in 7200 seconds.", critical: true },
    ]);
    const anon = status(
      { state: "running" },
      { anonymous: true, annotations: { "renku.io/lastActivityDate": "2026-01-01T11:00:00Z" } },
    );
    expect(anon.warnings).toEqual([
      { message: "Server is idle and will be deleted in 39600 seconds.", critical: true },
    ]);
    const overdue = status(
      { state: "running" },
      { annotations: { "renku.io/lastActivityDate": "2025-12-30T00:00:00Z" } },
    );
    expect(overdue.warnings[0]?.message).toBe(
      "Server is idle and will be hibernated in 0 seconds.",
    );
  });

  it("hibernated: prints the remaining time (D11), registered only", () => {
    const s = status(
      { state: "hibernated" },
      { annotations: { "renku.io/hibernationDate": "2026-01-01T11:00:00+00:00" } },
    );
    expect(s.warnings).toEqual([
      {
        message: "Server is hibernated and will be terminated in 255600 seconds.",
        critical: false,
      },
    ]);
    const soon = status(
      { state: "hibernated" },
      { annotations: { "renku.io/hibernationDate": "2025-12-29T20:00:00+00:00" } },
    );
    expect(soon.warnings).toEqual([
      { message: "Server is hibernated and will be terminated in 28800 seconds.", critical: true },
    ]);
    const anon = status(
      { state: "hibernated" },
      { anonymous: true, annotations: { "renku.io/hibernationDate": "2026-01-01T11:00:00+00:00" } },
    );
    expect(anon.warnings).toEqual([]);
  });

  it("max age, inside the warning window", () => {
    const cfg = testConfig({ NB_SESSIONS__CULLING__REGISTERED__MAX_AGE_SECONDS: "36000" });
    const js = storedServer({ state: "running" });
    js.spec.culling.maxAgeSecondsThreshold = 36000;
    expect(serverStatus(js, cfg, now).warnings).toEqual([
      {
        message:
          "Server is reaching the maximum session age and will be terminated in 28800 seconds.",
        critical: true,
      },
    ]);
    js.spec.culling.maxAgeSecondsThreshold = 864000;
    expect(serverStatus(js, cfg, now).warnings).toEqual([]);
  });
});

/**
 * Each AmaltheaSession state (and the pod beside it) read as the API's status: the same state,
 * steps and messages the JupyterServer path gives for the equivalent situation.
 */
import type { V1Pod } from "@kubernetes/client-node/dist/gen/index.js";
import { describe, expect, it } from "vitest";
import { buildAmaltheaSession } from "../../../../lib/backends/amaltheasession/manifest.js";
import { sessionStatus } from "../../../../lib/backends/amaltheasession/status.js";
import type {
  AmaltheaSession,
  AmaltheaSessionStatus,
} from "../../../../lib/backends/amaltheasession/types.js";
import { exitCodeMessage } from "../../../../lib/backends/pod/status.js";
import { anonymous, manifestInput, testConfig } from "../../sessions/fixtures.js";

const config = testConfig();
const now = new Date("2026-01-01T12:00:00Z");
const CREATED = "2026-01-01T11:00:00Z";

function session(
  status: AmaltheaSessionStatus | undefined,
  over: { hibernated?: boolean; deleting?: boolean; anonymous?: boolean } = {},
): AmaltheaSession {
  const { session: cr } = buildAmaltheaSession(
    manifestInput(over.anonymous ? { user: anonymous, name: "anon-abc123-x" } : {}),
    "l",
  );
  return {
    ...cr,
    metadata: {
      ...cr.metadata,
      creationTimestamp: CREATED,
      ...(over.deleting ? { deletionTimestamp: "2026-01-01T11:59:00Z" } : {}),
    },
    spec: { ...cr.spec, hibernated: over.hibernated ?? false },
    ...(status ? { status } : {}),
  };
}

const running = (name: string, ready = true) => ({
  name,
  ready,
  restartCount: 0,
  image: "x",
  imageID: "",
  state: { running: { startedAt: new Date(CREATED) } },
});
const done = (name: string) => ({
  name,
  ready: false,
  restartCount: 0,
  image: "x",
  imageID: "",
  state: { terminated: { exitCode: 0, reason: "Completed" } },
});
const REGULAR = ["amalthea-session", "oauth2-proxy", "authproxy", "git-proxy", "git-sidecar"];
const INIT = ["init-certificates", "download-image", "git-clone"];

function pod(over: Partial<NonNullable<V1Pod["status"]>> = {}): V1Pod {
  return {
    metadata: { name: "x-0" },
    status: {
      phase: "Running",
      initContainerStatuses: INIT.map(done),
      containerStatuses: REGULAR.map((n) => running(n)),
      ...over,
    },
  };
}

const status = (cr: AmaltheaSession, p?: V1Pod) => sessionStatus({ cr, pod: p }, config, now);

describe("operator state -> API state", () => {
  it("NotReady before the operator ran: starting, every configured step waiting", () => {
    const s = status(session({ state: "NotReady" }));
    expect(s.state).toBe("starting");
    expect(s.totalNumContainers).toBe(7);
    expect(s.details.every((d) => d.status === "waiting")).toBe(true);
    expect(s.message).toMatch(/^Steps with non-ready statuses: initialization, /);
  });

  it("Running with every container ready: running, 7 of 7 (authproxy folds into oauth2-proxy)", () => {
    const s = status(session({ state: "Running" }), pod());
    expect(s).toMatchObject({ state: "running", totalNumContainers: 7, readyNumContainers: 7 });
    expect(s.message).toBeUndefined();
  });

  it("RunningDegraded reads as running", () => {
    expect(status(session({ state: "RunningDegraded" }), pod()).state).toBe("running");
  });

  it("an anonymous session's authproxy is the proxying step", () => {
    const s = status(
      session({ state: "Running" }, { anonymous: true }),
      pod({
        containerStatuses: ["amalthea-session", "authproxy", "git-proxy"].map((n) => running(n)),
      }),
    );
    expect(s.details.map((d) => d.step)).toContain("Proxying services");
    expect(s.totalNumContainers).toBe(6);
  });

  it("a registered session's router (D22) folds into oauth2-proxy: not ready, that step executes", () => {
    const s = status(
      session({ state: "NotReady" }),
      pod({
        containerStatuses: [...REGULAR.map((n) => running(n)), running("session-router", false)],
      }),
    );
    expect(s.totalNumContainers).toBe(7);
    expect(s.details.find((d) => d.step === "Authentication and proxying services")?.status).toBe(
      "executing",
    );
    expect(s.message).toBe("Steps with non-ready statuses: authentication and proxying services.");
  });

  it("a not-ready container is executing while starting", () => {
    const s = status(
      session({ state: "NotReady" }),
      pod({ containerStatuses: REGULAR.map((n) => running(n, n !== "amalthea-session")) }),
    );
    expect(s.state).toBe("starting");
    expect(s.details.find((d) => d.step === "Starting session")?.status).toBe("executing");
    expect(s.message).toBe("Steps with non-ready statuses: starting session.");
  });

  it("spec.hibernated: hibernated, whatever the state says yet", () => {
    expect(status(session({ state: "Running" }, { hibernated: true }), pod()).state).toBe(
      "hibernated",
    );
    const h = status(session({ state: "Hibernated" }, { hibernated: true }));
    expect(h.state).toBe("hibernated");
    expect(h.details.every((d) => d.status === "waiting")).toBe(true);
  });

  it("Hibernated while spec.hibernated is false again: starting (the resume is under way)", () => {
    expect(status(session({ state: "Hibernated" })).state).toBe("starting");
  });

  it("being deleted: stopping", () => {
    expect(status(session({ state: "NotReady" }, { deleting: true }), pod()).state).toBe(
      "stopping",
    );
  });

  it("Failed with a crashing session container: the JupyterServer's exit-code message", () => {
    const crashed = {
      ...running("amalthea-session", false),
      restartCount: 1,
      state: { waiting: { reason: "CrashLoopBackOff", message: "back-off" } },
      lastState: { terminated: { exitCode: 127, reason: "Error" } },
    };
    const s = status(
      session({ state: "Failed", error: "the command in container amalthea-session is crashing" }),
      pod({ containerStatuses: [crashed, ...REGULAR.slice(1).map((n) => running(n))] }),
    );
    expect(s.state).toBe("failed");
    expect(s.message).toBe(exitCodeMessage(127));
    expect(s.details.find((d) => d.step === "Starting session")?.status).toBe("failed");
  });

  it("Failed for the quota: the JupyterServer's quota message", () => {
    const s = status(
      session({
        state: "Failed",
        error: "Quota exceeded: Your resource pool does not contain enough free resources",
      }),
    );
    expect(s).toMatchObject({ state: "failed", message: "The resource quota has been exceeded." });
  });

  it("an unschedulable pod fails at once with the scheduler's main reason", () => {
    const s = status(
      session({ state: "NotReady", error: "the session cannot be scheduled due to: ..." }),
      pod({
        phase: "Pending",
        initContainerStatuses: [],
        containerStatuses: [],
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/3 nodes are available: 3 Insufficient cpu.",
            lastTransitionTime: new Date(CREATED),
          },
        ],
      }),
    );
    expect(s.state).toBe("failed");
    expect(s.message).toMatch(/most likely reason is: 'Insufficient cpu'/);
  });

  it("Failed without a pod-level reason passes the operator's error on; Succeeded is failed", () => {
    expect(status(session({ state: "Failed", error: "the PVC failed" })).message).toBe(
      "the PVC failed",
    );
    expect(status(session({ state: "Succeeded" })).state).toBe("failed");
  });
});

describe("warnings", () => {
  it("counts a hibernated session down from hibernatedSince + maxHibernatedDuration", () => {
    const s = status(
      session(
        { state: "Hibernated", hibernatedSince: "2026-01-01T11:00:00Z" },
        { hibernated: true },
      ),
    );
    expect(s.warnings).toEqual([
      {
        message: "Server is hibernated and will be terminated in 255600 seconds.",
        critical: false,
      },
    ]);
  });

  it("warns of idle hibernation from idleSince, and of the maximum age", () => {
    const cr = session({ state: "Running", idle: true, idleSince: "2026-01-01T11:00:00Z" });
    cr.spec.culling = { ...cr.spec.culling, maxIdleDuration: "2h0m0s", maxAge: "1h30m" };
    const s = status(cr, pod());
    expect(s.warnings).toEqual([
      { message: "Server is idle and will be hibernated in 3600 seconds.", critical: true },
      {
        message:
          "Server is reaching the maximum session age and will be terminated in 1800 seconds.",
        critical: true,
      },
    ]);
  });
});

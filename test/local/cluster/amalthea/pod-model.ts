/**
 * A kubelet stand-in for one pod: each `step()` makes one realistic transition (scheduled, init
 * containers run one after another, regular containers start, become ready) and keeps per-container
 * log lines. Failures follow the scripted fault: exit codes, CrashLoopBackOff and restart counts.
 */
import { createHash } from "node:crypto";
import type { PullResult } from "../kubelet-pull.js";
import { CLONE_ERRORS, type Fault, UNSCHEDULABLE_MESSAGE } from "./faults.js";
import { type StartupFailure, startupFailure } from "./image-contracts.js";
import { jupyterListening } from "./jupyter.js";

export const INIT_RESTART_LIMIT = 1;
export const REGULAR_RESTART_LIMIT = 3;

export interface LogLine {
  time: string; // RFC3339 with nanoseconds, as `kubectl logs --timestamps` shows
  text: string;
}

type State =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | {
      terminated: {
        exitCode: number;
        reason: string;
        message?: string;
        startedAt: string;
        finishedAt: string;
        containerID: string;
      };
    };

/** What the pod's containers are given: command, args, env and mounts from the template. */
export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string; readOnly?: boolean }>;
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
}

export interface PodSpecSim {
  initContainers?: ContainerSpec[];
  containers: ContainerSpec[];
  volumes?: Array<{ name: string } & Record<string, unknown>>;
}

export interface ContainerSim {
  name: string;
  image: string;
  /** The container as the pod spec gives it (env, args, lifecycle). */
  spec: ContainerSpec;
  /** How a Renku image dies on this environment (images.md), if it does. */
  contract: StartupFailure | undefined;
  init: boolean;
  state: State;
  lastState: State | Record<string, never>;
  ready: boolean;
  started: boolean;
  restartCount: number;
  containerID?: string;
  logs: LogLine[];
  previousLogs: LogLine[];
}

export interface PodEvent {
  reason: string;
  message: string;
  type: "Normal" | "Warning";
  container?: string;
}

interface Condition {
  type: string;
  status: "True" | "False";
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

/** Which containers the scripted faults hit: the main one, and the clone init container(s). */
export interface PodRoles {
  main: string;
  isClone: (name: string) => boolean;
}
export const JUPYTER_ROLES: PodRoles = {
  main: "jupyter-server",
  isClone: (name) => name === "git-clone",
};

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** A session image's size, 1-5 GB, fixed per image so timelines are reproducible. */
const imageSize = (image: string) =>
  1_000_000_000 + (Number.parseInt(sha(image).slice(0, 8), 16) % 4_000_000_000);

export class PodModel {
  readonly containers: ContainerSim[];
  scheduled = false;
  private unschedulableReported = false;
  private readonly conditions = new Map<string, Condition>();
  startTime?: string;
  readonly events: PodEvent[] = [];
  /** Set when the kubelet began stopping the pod (preStop hooks ran): held until `until` (ms). */
  termination?: { until: number; finish?: () => void };
  /** Every container has stopped: the pod object may go. */
  terminated = false;
  /** An `autosave/create` RPC ran: its `finally` called the git proxy's /shutdown (it exited). */
  gitProxyShutDown = false;
  /** The path Jupyter must serve under, when the session says it (AmaltheaSession's urlPath). */
  baseUrl: string | undefined;
  /** The main image's real pull (kubelet-pull.ts), when its registry is pulled from for real. */
  pull: "pending" | PullResult | undefined;

  constructor(
    readonly podName: string,
    readonly namespace: string,
    /** The pod spec as the StatefulSet's (rendered and patched) template gave it. */
    readonly spec: PodSpecSim,
    readonly fault: Fault | undefined,
    private readonly now: () => string,
    private readonly roles: PodRoles = JUPYTER_ROLES,
    /** What git-clone prints after a successful clone (the autosave restore check). */
    private readonly onCloned: (c: ContainerSim) => string[] = () => [
      "Checking out the requested commit.",
    ],
  ) {
    const mk = (c: ContainerSpec, init: boolean): ContainerSim => ({
      name: c.name,
      image: c.image,
      spec: c,
      contract: startupFailure(c, new Date(now())),
      init,
      state: { waiting: { reason: "ContainerCreating" } },
      lastState: {},
      ready: false,
      started: false,
      restartCount: 0,
      logs: [],
      previousLogs: [],
    });
    this.containers = [
      ...(spec.initContainers ?? []).map((c) => mk(c, true)),
      ...spec.containers.map((c) => mk(c, false)),
    ];
  }

  get init(): ContainerSim[] {
    return this.containers.filter((c) => c.init);
  }
  get regular(): ContainerSim[] {
    return this.containers.filter((c) => !c.init);
  }

  private setCondition(
    type: string,
    status: "True" | "False",
    reason?: string,
    message?: string,
  ): void {
    const prev = this.conditions.get(type);
    if (prev && prev.status === status && prev.reason === reason && prev.message === message)
      return;
    const c: Condition = { type, status, lastProbeTime: null, lastTransitionTime: this.now() };
    if (reason) c.reason = reason;
    if (message) c.message = message;
    this.conditions.set(type, c);
  }

  private log(c: ContainerSim, ...lines: string[]): void {
    for (const text of lines) c.logs.push({ time: this.now().replace("Z", ".000000000Z"), text });
  }

  private failureFor(c: ContainerSim): { exitCode: number; lines: string[] } | undefined {
    if (c.contract) return c.contract;
    const f = this.fault;
    if (!f) return undefined;
    if (f.kind === "clone" && this.roles.isClone(c.name))
      return {
        exitCode: f.exitCode,
        lines: [`Cloning repository...`, CLONE_ERRORS[f.exitCode] ?? "git error"],
      };
    if (f.kind === "missing-command" && c.name === this.roles.main)
      return { exitCode: 127, lines: ["/bin/bash: line 1: jupyter: command not found"] };
    if (f.kind === "crashloop" && c.name === this.roles.main)
      return {
        exitCode: 1,
        lines: [
          "Traceback (most recent call last):",
          '  File "/opt/conda/bin/jupyter-server", line 5, in <module>',
          "ModuleNotFoundError: No module named 'jupyter_server'",
        ],
      };
    return undefined;
  }

  private limit(c: ContainerSim): number {
    return c.init ? INIT_RESTART_LIMIT : REGULAR_RESTART_LIMIT;
  }

  /** Has this container given up (restarted more often than Amalthea tolerates)? */
  exhausted(c: ContainerSim): boolean {
    return (
      c.restartCount > this.limit(c) &&
      !("terminated" in c.state && c.state.terminated.exitCode === 0)
    );
  }

  private start(c: ContainerSim): void {
    c.containerID = `containerd://${sha(`${this.podName}/${c.name}/${c.restartCount}`)}`;
    c.state = { running: { startedAt: this.now() } };
    c.started = true;
    if (c.restartCount === 0) {
      if (c.name === this.roles.main) {
        // The session image is the big one, pulled on first start; the sidecars' are cached.
        this.events.push({
          reason: "Pulling",
          message: `Pulling image "${c.image}"`,
          type: "Normal",
          container: c.name,
        });
        this.events.push({
          reason: "Pulled",
          message: `Successfully pulled image "${c.image}" in 41.2s (41.2s including waiting). Image size: ${imageSize(c.image)} bytes.`,
          type: "Normal",
          container: c.name,
        });
      } else
        this.events.push({
          reason: "Pulled",
          message: `Container image "${c.image}" already present on machine`,
          type: "Normal",
          container: c.name,
        });
      this.events.push({
        reason: "Created",
        message: `Created container ${c.name}`,
        type: "Normal",
        container: c.name,
      });
    }
    this.events.push({
      reason: "Started",
      message: `Started container ${c.name}`,
      type: "Normal",
      container: c.name,
    });
    if (c.contract) return; // it dies loading its configuration, before printing anything else
    if (this.roles.isClone(c.name)) this.log(c, `Cloning into '/work'...`);
    else if (c.name === this.roles.main)
      this.log(
        c,
        "[I ServerApp] jupyter_server | extension was successfully loaded.",
        "[I ServerApp] Serving notebooks from local directory: /home/jovyan/work",
      );
    else this.log(c, `${c.name} starting`);
  }

  private terminate(c: ContainerSim, exitCode: number, lines: string[]): void {
    this.log(c, ...lines);
    const startedAt = "running" in c.state ? c.state.running.startedAt : this.now();
    c.state = {
      terminated: {
        exitCode,
        reason: exitCode === 0 ? "Completed" : "Error",
        startedAt,
        finishedAt: this.now(),
        containerID: c.containerID ?? "",
      },
    };
    c.ready = exitCode === 0 && c.init;
    c.started = false;
  }

  private backOff(c: ContainerSim): void {
    c.lastState = c.state;
    c.previousLogs = c.logs;
    c.logs = [];
    c.restartCount += 1;
    c.ready = false;
    c.state = {
      waiting: {
        reason: "CrashLoopBackOff",
        message: `back-off ${10 * 2 ** (c.restartCount - 1)}s restarting failed container=${c.name} pod=${this.podName}_${this.namespace}`,
      },
    };
    this.events.push({
      reason: "BackOff",
      message: "Back-off restarting failed container",
      type: "Warning",
      container: c.name,
    });
  }

  /** Moves one container one transition; false when it has nothing left to do. */
  private stepContainer(c: ContainerSim): boolean {
    if ("waiting" in c.state) {
      if (c.state.waiting.reason === "CrashLoopBackOff" && c.restartCount > this.limit(c))
        return false;
      if (c.name === this.roles.main && !c.started && this.pull !== undefined) {
        if (this.pull === "pending" || c.state.waiting.reason === "ErrImagePull") return false;
        if (!this.pull.ok) {
          c.state = { waiting: { reason: "ErrImagePull", message: this.pull.message } };
          this.events.push({
            reason: "Failed",
            message: `Failed to pull image "${c.image}": ${this.pull.message}`,
            type: "Warning",
            container: c.name,
          });
          return true;
        }
      }
      const failure = this.failureFor(c);
      if (failure && failure.exitCode === 127) {
        // The runtime cannot exec the command: the container ends without ever running.
        this.start(c);
        this.terminate(c, 127, failure.lines);
        this.events.push({
          reason: "Failed",
          message:
            'Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "jupyter": executable file not found in $PATH: unknown',
          type: "Warning",
          container: c.name,
        });
        return true;
      }
      this.start(c);
      return true;
    }
    if ("running" in c.state) {
      const failure = this.failureFor(c);
      if (failure) {
        this.terminate(c, failure.exitCode, failure.lines);
        return true;
      }
      if (c.init) {
        if (this.roles.isClone(c.name)) this.log(c, ...this.onCloned(c), "Repository cloned.");
        this.terminate(c, 0, [`${c.name} done`]);
        return true;
      }
      if (c.ready) return false;
      if (c.name === this.roles.main) {
        const jupyter = jupyterListening(c.spec, this.baseUrl);
        if (!jupyter.reachable) {
          // Listening where the readiness probe and the proxy cannot reach it: never ready.
          if (c.logs.some((l) => l.text === jupyter.log)) return false;
          this.log(c, jupyter.log);
          this.events.push({
            reason: "Unhealthy",
            message:
              "Readiness probe failed: dial tcp 10.42.0.17:8888: connect: connection refused",
            type: "Warning",
            container: c.name,
          });
          return true;
        }
        c.ready = true;
        this.log(c, jupyter.log);
        return true;
      }
      c.ready = true;
      return true;
    }
    if (c.state.terminated.exitCode !== 0) {
      this.backOff(c);
      return true;
    }
    return false;
  }

  step(): boolean {
    if (!this.scheduled) {
      if (this.fault?.kind === "unschedulable") {
        if (this.unschedulableReported) return false;
        this.unschedulableReported = true;
        this.setCondition("PodScheduled", "False", "Unschedulable", UNSCHEDULABLE_MESSAGE);
        this.events.push({
          reason: "FailedScheduling",
          message: UNSCHEDULABLE_MESSAGE,
          type: "Warning",
        });
        return true;
      }
      this.scheduled = true;
      this.startTime = this.now();
      this.setCondition("PodScheduled", "True");
      this.events.push({
        reason: "Scheduled",
        message: `Successfully assigned ${this.namespace}/${this.podName} to local-node-1`,
        type: "Normal",
      });
      const waitReason = this.init.length ? "PodInitializing" : "ContainerCreating";
      for (const c of this.regular) c.state = { waiting: { reason: waitReason } };
      for (const [i, c] of this.init.entries())
        c.state = { waiting: { reason: i === 0 ? "ContainerCreating" : "PodInitializing" } };
      this.refreshConditions();
      return true;
    }
    const pendingInit = this.init.find(
      (c) => !("terminated" in c.state && c.state.terminated.exitCode === 0),
    );
    let changed = false;
    if (pendingInit) {
      changed = this.stepContainer(pendingInit);
      if ("terminated" in pendingInit.state && pendingInit.state.terminated.exitCode === 0) {
        const next = this.init.find((c) => !("terminated" in c.state));
        if (next) next.state = { waiting: { reason: "ContainerCreating" } };
        else for (const c of this.regular) c.state = { waiting: { reason: "ContainerCreating" } };
      }
    } else {
      for (const c of this.regular) changed = this.stepContainer(c) || changed;
    }
    this.refreshConditions();
    return changed;
  }

  private refreshConditions(): void {
    const initDone = this.init.every(
      (c) => "terminated" in c.state && c.state.terminated.exitCode === 0,
    );
    const waitingInit = this.init
      .filter((c) => !("terminated" in c.state && c.state.terminated.exitCode === 0))
      .map((c) => c.name);
    this.setCondition("PodReadyToStartContainers", this.scheduled ? "True" : "False");
    this.setCondition(
      "Initialized",
      initDone ? "True" : "False",
      initDone ? undefined : "ContainersNotInitialized",
      initDone ? undefined : `containers with incomplete status: [${waitingInit.join(" ")}]`,
    );
    const notReady = this.regular.filter((c) => !c.ready).map((c) => c.name);
    const ready = notReady.length === 0;
    const msg = ready ? undefined : `containers with unready status: [${notReady.join(" ")}]`;
    this.setCondition(
      "ContainersReady",
      ready ? "True" : "False",
      ready ? undefined : "ContainersNotReady",
      msg,
    );
    this.setCondition(
      "Ready",
      ready ? "True" : "False",
      ready ? undefined : "ContainersNotReady",
      msg,
    );
  }

  phase(): "Pending" | "Running" {
    const initDone = this.init.every(
      (c) => "terminated" in c.state && c.state.terminated.exitCode === 0,
    );
    const anyStarted = this.regular.some(
      (c) => c.started || "terminated" in c.state || c.restartCount > 0,
    );
    return this.scheduled && initDone && anyStarted ? "Running" : "Pending";
  }

  private containerStatus(c: ContainerSim): Record<string, unknown> {
    const s: Record<string, unknown> = {
      name: c.name,
      image: c.image,
      imageID: c.containerID
        ? `docker.io/library/${c.image.split(":")[0]}@sha256:${sha(c.image)}`
        : "",
      ready: c.ready,
      restartCount: c.restartCount,
      started: c.started,
      state: c.state,
      lastState: c.lastState,
    };
    if (c.containerID) s.containerID = c.containerID;
    return s;
  }

  status(): Record<string, unknown> {
    const order = [
      "PodReadyToStartContainers",
      "Initialized",
      "Ready",
      "ContainersReady",
      "PodScheduled",
    ];
    const conditions = order
      .map((t) => this.conditions.get(t))
      .filter((c): c is Condition => c !== undefined);
    const phase = this.phase();
    const out: Record<string, unknown> = { phase, conditions, qosClass: "Burstable" };
    if (this.scheduled) {
      Object.assign(out, {
        hostIP: "10.0.0.11",
        hostIPs: [{ ip: "10.0.0.11" }],
        podIP: "10.244.1.17",
        podIPs: [{ ip: "10.244.1.17" }],
        startTime: this.startTime,
        initContainerStatuses: this.init.map((c) => this.containerStatus(c)),
        containerStatuses: this.regular.map((c) => this.containerStatus(c)),
      });
    }
    return out;
  }

  /** Amalthea's per-container step status (amalthea.md A.5 / notebooks-api 5.1). */
  stepStatus(c: ContainerSim): "ready" | "failed" | "executing" | "waiting" {
    if ("terminated" in c.state && c.state.terminated.exitCode === 0) return "ready";
    if (this.exhausted(c)) return "failed";
    if ("running" in c.state) return c.ready ? "ready" : "executing";
    return "waiting";
  }
}

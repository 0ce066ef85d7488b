/**
 * The boundary between the use cases and the custom resources that hold sessions. Each backend
 * (lib/backends/jupyterserver/, lib/backends/amaltheasession/, and the composite of both) implements
 * it; above it nothing knows which kind of resource it handles. A Session is an opaque handle:
 * only the backend that returned it reads what is inside.
 */
import type { CoreV1Event } from "@kubernetes/client-node/dist/gen/index.js";
import type { RegisteredUser, User } from "../auth/user.js";
import type { Logger } from "../obs/log.js";
import type { ResolvedResources } from "../sessions/types.js";
import type { SessionView } from "../sessions/view.js";
import type { LaunchInput } from "./pod/launch.js";
import type { NotebookResponse } from "./pod/serialize.js";

export type { LaunchInput, NotebookResponse };

/** One stored session; `kind` is for the backends' own dispatch, never read above them. */
export interface Session {
  readonly name: string;
  readonly kind: string;
}

export interface Created {
  /** 201 new; 200 a concurrent identical POST created it first (it is the caller's). */
  status: 200 | 201;
  session: Session;
  /** Removes what this launch created, when what follows the creation fails. */
  discard(): Promise<void>;
}

export interface LogTargets {
  pod: string;
  containers: string[];
}

/** A Kubernetes event about one of the session's objects, with the status step it concerns. */
export interface SessionEventRecord {
  event: CoreV1Event;
  step: string | undefined;
}

/** What a handed-off stop ends with (D24). */
export type StopAction = "delete" | "hibernate";

/** The autosave asked for before a stop: the branch pushed ("" nothing to save), or why not. */
export type AutosaveOutcome =
  | { saved: string }
  | { failed: "unreachable" | "deadline" | "refused"; detail: string };

export interface SessionBackend {
  get(name: string): Promise<Session | undefined>;
  /**
   * The session's resource alone, enough for its owner and its deletion (DELETE's lookup): one GET,
   * where get() also reads the AmaltheaSession's pod. Not to be serialised.
   */
  getResource(name: string): Promise<Session | undefined>;
  /**
   * The sessions labelled with this safe username (ownership is checked by the caller). `cached`:
   * read from the API server's watch cache (a polling list); else consistently (POST's check).
   */
  listForUser(safeUsername: string, opts?: { cached?: boolean }): Promise<Session[]>;
  /** The sessions recorded as anonymous (label renku.io/user-kind): the anonymous total (D19). */
  listAnonymous(): Promise<Session[]>;
  /**
   * The session with why the cluster gives it no pod, for its status to show (a starting session
   * without a pod: two more calls; any other: none). Only the answers that show a status ask.
   */
  withRefusal(session: Session): Promise<Session>;
  /**
   * The same for many sessions (a polling list's), in at most two more calls whatever their number
   * (one list of the events that can say why, one of their StatefulSets); none when no session
   * starts without a pod. Answered in the order given.
   */
  withRefusals(sessions: Session[]): Promise<Session[]>;
  /** The resource as an ownerReference names it (its dependents go with it). */
  reference(session: Session): { apiVersion: string; kind: string; name: string; uid: string };
  /** Who owns it (lib/sessions/ownership.ts decides), without reading the rest of the view. */
  owner(session: Session): SessionView["owner"];
  /** The CRD-agnostic view the domain's rules (ownership, filters) work on. */
  view(session: Session): SessionView;
  serialize(session: Session, now: Date): NotebookResponse;
  /**
   * 401 when this kind cannot serve the caller's session (AmaltheaSession: an anonymous caller
   * without the gateway's cookie, D21); the launch asks before it writes anything, quota places too.
   */
  assertCanLaunch(user: User): void;
  /** Builds the resource (422 code 1004 on an overridden variable, before any write) and creates it. */
  create(input: LaunchInput, log: Logger): Promise<Created>;
  /**
   * A stop or hibernation about to be handed off (D24): when the session's pod needs the git
   * sidecar's autosave before it goes (its grace period may be too short for it), marks the session
   * as stopping and answers it so marked; undefined, writing nothing, when it does not.
   */
  markStopping(session: Session, action: StopAction, now: Date): Promise<Session | undefined>;
  /** The git sidecar's `autosave/create`, waited for at most `deadlineMs`. */
  autosaveNow(session: Session, deadlineMs: number): Promise<AutosaveOutcome>;
  /** false when there was nothing to delete. Foreground propagation; forced -> grace period 0. */
  delete(name: string, opts: { forced: boolean }): Promise<boolean>;
  isHibernated(session: Session): boolean;
  /** 422 unless the session is hibernated or failed. */
  assertResourceClassChangeAllowed(session: Session): void;
  /** undefined when the session vanished meanwhile. */
  changeResourceClass(session: Session, resources: ResolvedResources): Promise<Session | undefined>;
  hibernate(session: Session, now: Date): Promise<Session | undefined>;
  /** Fresh credentials first, then the resume. */
  resume(session: Session, user: RegisteredUser): Promise<Session | undefined>;
  logTargets(session: Session): LogTargets;
  /** undefined when the pod or container is missing or has not started. */
  readLogs(
    pod: string,
    container: string,
    opts: { tailLines?: number; timestamps?: boolean; limitBytes?: number },
  ): Promise<string | undefined>;
  /** Events about the session's own objects (resource, StatefulSet, PVC, pod), in any order. */
  events(session: Session): Promise<SessionEventRecord[]>;
}

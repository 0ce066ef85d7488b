/**
 * Session quotas (issue 14), the counting only: given the sessions that exist and the one a caller
 * asks for, which limit (if any) the new one would break. Pure; the wiring into POST (with its
 * concurrency guarantee) comes with the identity-kind work, after the restructuring.
 */

export type IdentityKind = "registered" | "anonymous";

export interface QuotaLimits {
  /** Running or starting sessions per registered user. */
  perRegisteredUser: number;
  /** Running or starting sessions per anonymous id. */
  perAnonymousId: number;
  /** Running or starting anonymous sessions in all. */
  anonymousTotal: number;
  /** Optional: total requested CPU cores per registered user. */
  cpuPerUser?: number | undefined;
  /** Optional: total requested memory (bytes) per registered user. */
  memoryPerUser?: number | undefined;
}

export interface SessionUsage {
  kind: IdentityKind;
  /** The owner's id: the ID token's sub, or the anonymous id. */
  ownerId: string;
  /** Only sessions that hold resources count. */
  state: "starting" | "running" | "stopping" | "failed" | "hibernated";
  cpu: number;
  memory: number;
}

export interface QuotaRequest {
  kind: IdentityKind;
  ownerId: string;
  cpu: number;
  memory: number;
}

export type QuotaLimitName =
  | "perRegisteredUser"
  | "perAnonymousId"
  | "anonymousTotal"
  | "cpuPerUser"
  | "memoryPerUser";

export interface QuotaViolation {
  limit: QuotaLimitName;
  /** The configured maximum. */
  max: number;
  /** What is in use already (sessions, cores or bytes). */
  used: number;
  /** What the new session would add. */
  adding: number;
  message: string;
}

const counts = (s: SessionUsage) => s.state === "starting" || s.state === "running";
const sameOwner = (s: SessionUsage, r: QuotaRequest) =>
  s.kind === r.kind && s.ownerId === r.ownerId;

const DESCRIBE: Record<QuotaLimitName, (max: number, used: number) => string> = {
  perRegisteredUser: (max, used) =>
    `You have ${used} running or starting sessions; the limit per user is ${max}.`,
  perAnonymousId: (max, used) =>
    `You have ${used} running or starting sessions; the limit for anonymous users is ${max}.`,
  anonymousTotal: (max, used) =>
    `There are ${used} running or starting anonymous sessions; the limit is ${max} in all.`,
  cpuPerUser: (max, used) => `Your sessions request ${used} CPUs; the limit per user is ${max}.`,
  memoryPerUser: (max, used) =>
    `Your sessions request ${used} bytes of memory; the limit per user is ${max}.`,
};

function violation(
  limit: QuotaLimitName,
  max: number,
  used: number,
  adding: number,
): QuotaViolation | undefined {
  if (used + adding <= max) return undefined;
  return { limit, max, used, adding, message: DESCRIBE[limit](max, used) };
}

/** The first limit the requested session would break, or undefined when it fits every one. */
export function checkQuota(
  limits: QuotaLimits,
  sessions: readonly SessionUsage[],
  request: QuotaRequest,
): QuotaViolation | undefined {
  const active = sessions.filter(counts);
  const own = active.filter((s) => sameOwner(s, request));
  if (request.kind === "anonymous") {
    return (
      violation("perAnonymousId", limits.perAnonymousId, own.length, 1) ??
      violation(
        "anonymousTotal",
        limits.anonymousTotal,
        active.filter((s) => s.kind === "anonymous").length,
        1,
      )
    );
  }
  const sum = (key: "cpu" | "memory") => own.reduce((n, s) => n + s[key], 0);
  return (
    violation("perRegisteredUser", limits.perRegisteredUser, own.length, 1) ??
    (limits.cpuPerUser === undefined
      ? undefined
      : violation("cpuPerUser", limits.cpuPerUser, sum("cpu"), request.cpu)) ??
    (limits.memoryPerUser === undefined
      ? undefined
      : violation("memoryPerUser", limits.memoryPerUser, sum("memory"), request.memory))
  );
}

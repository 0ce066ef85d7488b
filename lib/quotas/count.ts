/**
 * Session quotas (issue 14, issue 25): the limits, and the refusal that names the one a launch would
 * break. Pure; the places themselves are slot objects (lib/quotas/reserve.ts, docs/spec.md D19).
 */

export interface QuotaLimits {
  /** Sessions holding a place per registered user (by the ID token's sub). */
  perRegisteredUser: number;
  /** Sessions holding a place per anonymous id. */
  perAnonymousId: number;
  /** Anonymous sessions holding a place in all. */
  anonymousTotal: number;
  /** The share of the anonymous total one client address may hold; 0: no share. */
  perClient: number;
  /** Optional: total requested CPU cores per registered user. */
  cpuPerUser?: number | undefined;
  /** Optional: total requested memory (bytes) per registered user. */
  memoryPerUser?: number | undefined;
}

export type QuotaLimitName =
  | "perRegisteredUser"
  | "perAnonymousId"
  | "anonymousTotal"
  | "perClient"
  | "cpuPerUser"
  | "memoryPerUser"
  | "concurrentSpawns";

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

const DESCRIBE: Record<QuotaLimitName, (max: number, used: number) => string> = {
  perRegisteredUser: (max, used) =>
    `You have ${used} running, starting or failed sessions; the limit per user is ${max}.`,
  perAnonymousId: (max, used) =>
    `You have ${used} running, starting or failed sessions; the limit for anonymous users is ${max}.`,
  anonymousTotal: (max, used) =>
    `There are ${used} running, starting or failed anonymous sessions; the limit is ${max} in all.`,
  perClient: (max, used) =>
    `Your address holds ${used} anonymous sessions; the limit per address is ${max}.`,
  cpuPerUser: (max, used) => `Your sessions request ${used} CPUs; the limit per user is ${max}.`,
  memoryPerUser: (max, used) =>
    `Your sessions request ${used} bytes of memory; the limit per user is ${max}.`,
  concurrentSpawns: (max, used) =>
    `${used} sessions are being started at once; the limit is ${max}. Please try again shortly.`,
};

/** The violation when `used + adding` passes `max`, else undefined. */
export function violation(
  limit: QuotaLimitName,
  max: number,
  used: number,
  adding: number,
): QuotaViolation | undefined {
  if (used + adding <= max) return undefined;
  return { limit, max, used, adding, message: DESCRIBE[limit](max, used) };
}

/** Injected transport and server failures, for testing the service's retries and error mapping. */

/**
 * "drop-answer": the request is applied as asked, and the connection is cut before its answer (a
 * lost answer: the client cannot tell whether its write happened).
 */
export type FaultKind =
  | "500"
  | "503"
  | "429"
  | "409"
  | "reset"
  | "stall"
  | "slow-body"
  | "drop-answer";

export interface FaultRule {
  method?: string;
  pathPattern?: RegExp;
  /** How many matching requests fail (default 1). */
  times?: number;
  kind: FaultKind;
}

export class FaultInjector {
  private rules: Array<FaultRule & { left: number }> = [];

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this request, consuming one use of the first matching rule. */
  take(method: string, pathAndQuery: string): FaultKind | undefined {
    const rule = this.rules.find(
      (r) =>
        r.left > 0 &&
        (!r.method || r.method.toUpperCase() === method.toUpperCase()) &&
        (!r.pathPattern || r.pathPattern.test(pathAndQuery)),
    );
    if (!rule) return undefined;
    rule.left -= 1;
    return rule.kind;
  }
}

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

/** A stalled request's connection, as far as cutStalled() needs it. */
interface Held {
  destroy(): void;
  once(event: "close", listener: () => void): unknown;
}

export class FaultInjector {
  private rules: Array<FaultRule & { left: number }> = [];
  private held = new Set<Held>();

  /** Keeps a stalled request's connection until the client gives up or cutStalled() cuts it. */
  hold(conn: Held): void {
    this.held.add(conn);
    conn.once("close", () => this.held.delete(conn));
  }

  /**
   * Cuts every stalled connection, unanswered: the test, not a clock, decides when a stalled
   * request fails (the client cannot tell whether it was applied). Returns how many were cut.
   */
  cutStalled(): number {
    const n = this.held.size;
    for (const conn of this.held) conn.destroy();
    this.held.clear();
    return n;
  }

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

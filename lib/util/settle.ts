/** Speculative work: started before it is known to be wanted, its outcome held until it is. */

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Holds a result, its rejection included (so that it is never unhandled), until it is asked for. */
export const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );

/** The held result, or its rejection thrown now. */
export const unsettle = <T>(s: Settled<T>): T => {
  if (!s.ok) throw s.error;
  return s.value;
};

/**
 * A value built on first call and then kept: for zod schemas that only a rare path parses, which a
 * cold start should not build (issue 16).
 */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

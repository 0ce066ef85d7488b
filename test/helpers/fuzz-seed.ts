/**
 * The seed of a property-based test: FUZZ_SEED when given (to replay a failure), else a fresh
 * random one. Printed either way, so that any failing run can be replayed exactly.
 */
import { randomInt } from "node:crypto";

export function fuzzSeed(label: string): number {
  const given = process.env.FUZZ_SEED;
  if (given !== undefined && !/^-?\d+$/.test(given)) {
    throw new Error(`FUZZ_SEED must be an integer, got ${JSON.stringify(given)}`);
  }
  const seed = given !== undefined ? Number(given) : randomInt(0, 2 ** 31 - 1);
  process.stdout.write(`[fuzz] ${label}: seed ${seed} (replay with FUZZ_SEED=${seed})\n`);
  return seed;
}

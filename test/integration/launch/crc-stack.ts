/** A session stack on one backend with the resource-pool double, started for a describe block. */
import { afterAll, beforeAll } from "vitest";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { type CrcDouble, type CrcPoolSeed, startCrcDouble } from "../../local/crc/index.js";

export function crcStack(
  backend: string,
  opts: { pools?: CrcPoolSeed[]; env?: Record<string, string> } = {},
): { stack: () => SessionStack } {
  let crc: CrcDouble;
  let stack: SessionStack;
  beforeAll(async () => {
    crc = await startCrcDouble(opts.pools ? { pools: opts.pools } : {});
    stack = await startSessionStack({
      timing: "instant",
      // The pools' classes exist only where a test creates them (the priority-class test).
      dataServicesQuotas: false,
      env: { NB_CRC_URL: crc.url, NB_AMALTHEA__BACKEND: backend, ...opts.env },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await crc?.stop();
  });
  return { stack: () => stack };
}

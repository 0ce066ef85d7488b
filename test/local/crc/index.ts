export { CRC_SEED, type CrcPoolSeed } from "./seed.js";
export * from "./server.js";

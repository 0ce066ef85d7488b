export { provisionQuotaObjects, provisionQuotas } from "./quotas.js";
export { CRC_SEED, type CrcPoolSeed } from "./seed.js";
export * from "./server.js";

export {
  CRC_UNEXPECTED_MESSAGE,
  type CrcClient,
  type CrcClientOptions,
  createCrcClient,
} from "./client.js";

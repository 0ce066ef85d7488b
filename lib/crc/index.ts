export {
  CRC_UNEXPECTED_MESSAGE,
  createCrcClient,
} from "./client.js";

/** Structured JSON logs. Secrets are redacted by path, and handlers never log headers or users whole. */
import { pino } from "pino";
import { redactDeep } from "./redact.js";

export type Logger = pino.Logger;

/** Anything that could carry a token, wherever it sits in a log record. */
const REDACT = [
  "headers",
  "*.headers",
  "authorization",
  "*.authorization",
  "*.Authorization",
  "token",
  "*.token",
  "*.accessToken",
  "*.refreshToken",
  "*.gitToken",
  "*.idToken",
  "*.password",
  "*.secret",
  "*.client_secret",
  "*.service_token",
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "renku-notebooks" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: "[redacted]" },
      // Upstream and fetch errors may quote a token in their message: scrubbed before logging.
      serializers: { err: (err: unknown) => redactDeep(pino.stdSerializers.err(err as Error)) },
    },
    // pino's default destination is this one, but it first creates process.stdout to find the file
    // descriptor (~1.5 ms of a cold start); Lambda's stdout is always descriptor 1.
    destination ?? pino.destination({ dest: 1 }),
  );
}

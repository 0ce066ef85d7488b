import { version } from "../lib/api/routes.js";
import { SERVICE_VERSION } from "../lib/api/version.js";
import { handler } from "../lib/http/handler.js";
import { ok } from "../lib/http/reply.js";

export const main = handler(version, async (_input, { config }) => {
  const { registered, anonymous } = config.sessions.culling;
  return ok({
    name: "renku-notebooks",
    versions: [
      {
        version: SERVICE_VERSION,
        data: {
          anonymousSessionsEnabled: config.anonymous_sessions_enabled,
          // D13: cloud storage and SSH are not offered by this version.
          cloudstorageEnabled: { s3: false, azure_blob: false },
          sshEnabled: false,
          defaultCullingThresholds: {
            registered: {
              idle: registered.idle_seconds,
              hibernation: registered.hibernated_seconds,
            },
            anonymous: { idle: anonymous.idle_seconds, hibernation: anonymous.hibernated_seconds },
          },
        },
      },
    ],
  });
});

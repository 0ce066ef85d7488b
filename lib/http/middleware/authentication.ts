/** Authentication comes before any validation (D4): an unauthenticated caller learns nothing more. */
import type { MiddlewareObj } from "@middy/core";
import type { AuthMode } from "../../api/route.js";
import { authenticate } from "../../auth/authenticate.js";
import { authenticateV2 } from "../../auth/v2-caller.js";
import { LOCAL_STAGE } from "../../config/defaults.js";
import type { Event, Req, Result, StateContext } from "../context.js";

export function authentication(auth: AuthMode): MiddlewareObj<Event, Result, Error, StateContext> {
  return {
    before: async (request: Req) => {
      if (auth === "none") return;
      const ctx = request.context;
      const config = ctx.deps?.config;
      if (!config) throw new Error("request context missing");
      if (auth === "v2") {
        ctx.user = await authenticateV2(request.event.headers ?? {}, {
          verify: ctx.deps?.verifyV2AccessToken,
          cookies: request.event.cookies,
        });
        return;
      }
      ctx.user = await authenticate(request.event.headers ?? {}, {
        anonymousEnabled: config.anonymous_sessions_enabled,
        verifyIdToken: ctx.deps?.verifyIdToken,
        verifyAccessToken: ctx.deps?.verifyAccessToken,
        gitlabUrl: config.git.url,
        // Outside the local stage, git credentials are taken only for the configured GitLab.
        strict: config.stage !== LOCAL_STAGE,
        cookies: request.event.cookies,
      });
    },
  };
}

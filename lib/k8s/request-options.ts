/**
 * Per-call options for @kubernetes/client-node 1.x. Its patch calls default to
 * `application/json-patch+json`, so merge patches must set the Content-Type themselves; every call
 * also gets an abort signal so a slow cluster cannot hold a Lambda past API Gateway's 29 s.
 */
import type { ConfigurationOptions } from "@kubernetes/client-node/dist/gen/configuration.js";
import type {
  RequestContext,
  ResponseContext,
} from "@kubernetes/client-node/dist/gen/http/http.js";
import type { Middleware } from "@kubernetes/client-node/dist/gen/middleware.js";
import { of } from "@kubernetes/client-node/dist/gen/rxjsStub.js";

export const JSON_PATCH = "application/json-patch+json";
export const MERGE_PATCH = "application/merge-patch+json";

export function requestOptions(opts: {
  timeoutMs: number;
  contentType?: string;
}): ConfigurationOptions<Middleware> {
  const middleware: Middleware = {
    pre: (ctx: RequestContext) => {
      if (opts.contentType) ctx.setHeaderParam("Content-Type", opts.contentType);
      ctx.setSignal(AbortSignal.timeout(opts.timeoutMs));
      return of(ctx);
    },
    post: (res: ResponseContext) => of(res),
  };
  // "append" keeps whatever middleware the KubeConfig configured.
  return { middleware: [middleware], middlewareMergeStrategy: "append" };
}

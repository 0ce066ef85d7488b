/** For endpoints whose logic lands in a later issue: the full stack runs, then 501. */
import type { z } from "zod";
import { httpError } from "../errors.js";
import { handler } from "./handler.js";
import type { AuthMode, RouteDef } from "./route.js";

export const notImplemented = <
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  A extends AuthMode,
>(
  route: RouteDef<P, Q, B, A>,
) =>
  handler(route, async () => {
    throw httpError(501, { detail: `${route.method} ${route.path} is not implemented yet.` });
  });

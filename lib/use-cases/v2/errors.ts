/** A renku-data-services answer other than 200, as the v2 route's own error (its body kept). */

import { v2Errors } from "../../api/v2/errors.js";
import { DataServicesError } from "../../data-services/client.js";
import { AppError } from "../../errors.js";

export function fromDataServices(err: unknown): unknown {
  if (!(err instanceof DataServicesError)) return err;
  if (err.status >= 400 && err.status < 500) {
    const message = err.body?.message ?? `renku-data-services answered ${err.status}.`;
    return new AppError(err.status, 1000 + err.status, message, {
      ...(err.body?.detail ? { detail: err.body.detail } : {}),
    });
  }
  return v2Errors.server(err.message);
}

/** Runs a data-services read, turning its failure into the route's error. */
export async function fromUpstream<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw fromDataServices(err);
  }
}

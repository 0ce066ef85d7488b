/**
 * X-Ray tracing through Powertools Tracer, loaded on first use: a cold start that does not trace
 * never evaluates the tracer (esbuild keeps the dynamic import's module behind a lazy initialiser).
 */
import type { XRay } from "./xray.js";

let loading: Promise<XRay> | undefined;
const xray = () => {
  loading ??= import("./xray.js").then((m) => m.createXRay());
  return loading;
};

/** The request as a subsegment of the Lambda's own segment, the cold start annotated. */
export async function traceRequest<T>(fn: string, run: () => Promise<T>): Promise<T> {
  return (await xray()).request(fn, run);
}

/** One upstream call as a subsegment of the request's. */
export async function traceCall<T>(name: string, run: () => Promise<T>): Promise<T> {
  return (await xray()).call(name, run);
}

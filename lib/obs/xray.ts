/** The only module that imports the tracer; lib/obs/tracing.ts loads it when tracing is on. */
import { Tracer } from "@aws-lambda-powertools/tracer";
import { SERVICE } from "./metrics.js";

export interface XRay {
  request<T>(fn: string, run: () => Promise<T>): Promise<T>;
  call<T>(name: string, run: () => Promise<T>): Promise<T>;
}

type Subsegment = ReturnType<NonNullable<ReturnType<Tracer["getSegment"]>>["addNewSubsegment"]>;

/** Runs `run` in `segment`: its error recorded there, the segment closed however it ends. */
async function within<T>(segment: Subsegment, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    segment.addError(err as Error);
    throw err;
  } finally {
    segment.close();
  }
}

export function createXRay(): XRay {
  const tracer = new Tracer({ serviceName: SERVICE, captureHTTPsRequests: false });
  let coldStart = true;
  return {
    async request(fn, run) {
      const parent = tracer.getSegment();
      if (!tracer.isTracingEnabled() || !parent) return run();
      const segment = parent.addNewSubsegment(`## ${fn}`);
      tracer.setSegment(segment);
      segment.addAnnotation("ColdStart", coldStart);
      segment.addAnnotation("Service", SERVICE);
      coldStart = false;
      try {
        return await within(segment, run);
      } finally {
        tracer.setSegment(parent);
      }
    },
    async call(name, run) {
      const parent = tracer.getSegment();
      if (!tracer.isTracingEnabled() || !parent) return run();
      // Leaves only, never set as the current segment: parallel calls cannot nest into each other.
      const segment = parent.addNewSubsegment(name);
      segment.namespace = "remote";
      return within(segment, run);
    },
  };
}

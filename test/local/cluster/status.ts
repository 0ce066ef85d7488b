/** metav1.Status error objects, shaped and worded like kube-apiserver's. */
import { qualifiedName } from "./resources.js";
import type { ResourceDef } from "./types.js";

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** Thrown inside the server; the request handler turns it into the Status response. */
export class KubeError extends Error {
  constructor(readonly body: StatusBody) {
    super(body.message);
  }
  get code(): number {
    return this.body.code;
  }
  /** Same status, other wording (e.g. the precondition variant of Conflict). */
  withMessage(message: string): KubeError {
    return new KubeError({ ...this.body, message });
  }
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: StatusBody["details"],
): KubeError {
  const body: StatusBody = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
  if (details) body.details = details;
  return new KubeError(body);
}

const groupOf = (def: ResourceDef) => (def.group ? { group: def.group } : {});

export const notFound = (def: ResourceDef, name: string) =>
  failure(404, "NotFound", `${qualifiedName(def)} "${name}" not found`, {
    name,
    ...groupOf(def),
    kind: def.resource,
  });

export const alreadyExists = (def: ResourceDef, name: string) =>
  failure(409, "AlreadyExists", `${qualifiedName(def)} "${name}" already exists`, {
    name,
    ...groupOf(def),
    kind: def.resource,
  });

export const conflict = (def: ResourceDef, name: string) =>
  failure(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedName(def)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, ...groupOf(def), kind: def.resource },
  );

/** 422 Invalid: `<Kind>.<group> "<name>" is invalid: <field>: <msg>, ...`. */
export function invalid(def: ResourceDef, name: string, causes: StatusCause[]): KubeError {
  const kind = def.group ? `${def.kind}.${def.group}` : def.kind;
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
  return failure(422, "Invalid", `${kind} "${name}" is invalid: ${joined}`, {
    name,
    ...groupOf(def),
    kind: def.kind,
    causes,
  });
}

/** What apiserver answers when a JSON patch cannot be applied (e.g. a failed `test`). */
export const patchRejected = (detail: string) =>
  failure(422, "Invalid", "the server rejected our request due to an error in our request", {
    causes: [{ reason: "UnexpectedServerResponse", message: detail }],
  });

export const badRequest = (message: string) => failure(400, "BadRequest", message);

export const unsupportedMediaType = (accepted: string[]) =>
  failure(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
  );

export const methodNotAllowed = (method: string, def?: ResourceDef) =>
  failure(
    405,
    "MethodNotAllowed",
    `the server does not allow this method on the requested resource`,
    def ? { ...groupOf(def), kind: def.resource } : { causes: [{ reason: "", message: method }] },
  );

export const pathNotFound = () =>
  failure(404, "NotFound", "the server could not find the requested resource");

/** An injected 409 AlreadyExists (a create that lost to another writer), for contention tests. */
export const injectedConflict = () =>
  failure(409, "AlreadyExists", "the object already exists (injected fault)");

export const tooManyRequests = () =>
  failure(429, "TooManyRequests", "Too many requests, please try again later.", {
    retryAfterSeconds: 1,
  });

export const internalError = (detail: string) =>
  failure(500, "InternalError", `Internal error occurred: ${detail}`, {
    causes: [{ reason: "", message: detail }],
  });

export const serviceUnavailable = (
  message = "the server is currently unable to handle the request",
) => failure(503, "ServiceUnavailable", message);

/** A list at a version the store no longer holds (kube: compacted). */
export const gone = () =>
  failure(410, "Expired", "The resourceVersion for the provided list is too old.");

/** A list at a version newer than any the store has reached (kube waits 3 s first). */
export const tooLargeResourceVersion = (asked: string, current: string) =>
  failure(504, "Timeout", `Timeout: Too large resource version: ${asked}, current: ${current}`, {
    causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
    retryAfterSeconds: 1,
  });

export const namespaceNotFound = (ns: string) =>
  failure(404, "NotFound", `namespaces "${ns}" not found`, { name: ns, kind: "namespaces" });

export function success(def: ResourceDef, name: string, uid: string): StatusBody {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name, ...groupOf(def), kind: def.resource, uid },
    code: 200,
  };
}

/** The service's error family: every failure the caller sees is one of these (docs/spec.md 1.2). */
export interface ErrorBody {
  error: { code: number; message: string; detail?: string };
}

export class AppError extends Error {
  // Minified bundles rename classes; tools that print constructor.name must see this one.
  static {
    Object.defineProperty(AppError, "name", { value: "AppError" });
  }
  readonly status: number;
  readonly code: number;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: number,
    message: string,
    options: { detail?: string; cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.status = status;
    this.code = code;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }

  toJSON(): ErrorBody {
    const error: ErrorBody["error"] = { code: this.code, message: this.message };
    if (this.detail !== undefined) error.detail = this.detail;
    return { error };
  }
}

type Opts = { detail?: string; cause?: unknown };

/** A fetch or call that gave up on its time bound (AbortSignal.timeout) or was aborted. */
export const isTimeout = (err: unknown): boolean =>
  err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");

/**
 * "Name (status): message" of a failure for logs, results and error details: no stack, no cause
 * chain, and nothing that looks like an AWS key id or a long token.
 */
export function describeError(err: unknown): string {
  const name = err instanceof Error ? err.name : "Error";
  const raw = err instanceof Error ? err.message : String(err);
  const message = raw
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, "[key id]")
    .replace(/[A-Za-z0-9+/=_-]{40,}/g, "[redacted]");
  const status = err instanceof Error ? (err as { status?: unknown }).status : undefined;
  return typeof status === "number" ? `${name} (${status}): ${message}` : `${name}: ${message}`;
}

/** A write lost a race on resourceVersion (or the object already exists): re-read and retry. */
export class ConflictError extends AppError {
  // Minified bundles rename classes; tools that print constructor.name must see this one.
  static {
    Object.defineProperty(ConflictError, "name", { value: "ConflictError" });
  }
  constructor(what: string, options: { cause?: unknown } = {}) {
    super(
      500,
      3000,
      "We seem to be experiencing some technical difficulties, please try again later.",
      { detail: `Conflicting update of ${what}.`, ...options },
    );
    this.name = "ConflictError";
  }
}

/** The autosave ledger's port error: another writer changed the ledger first (the write retries). */
export class LedgerConflictError extends ConflictError {
  static {
    Object.defineProperty(LedgerConflictError, "name", { value: "LedgerConflictError" });
  }
  constructor(options: { cause?: unknown } = {}) {
    super("the autosave ledger", options);
  }
}

// 1xxx: the caller's fault.
export const userInputError = (message = "Invalid user input.", o: Opts = {}) =>
  new AppError(422, 1000, message, o);
export const imageParseError = (image: string, o: Opts = {}) =>
  new AppError(422, 1002, `The image ${image} cannot be parsed.`, {
    detail: "The provided image name cannot be parsed.",
    ...o,
  });
export const overriddenEnvError = (name: string, o: Opts = {}) =>
  new AppError(422, 1004, `Cannot override environment variable '${name}'`, o);
export const invalidComputeResource = (
  message = "The specified server options or resources are invalid or cannot be accessed.",
  o: Opts = {},
) => new AppError(422, 1005, message, o);
export const AUTH_MESSAGE =
  "Accessing the requested resource requires authentication, please log in.";
export const authenticationError = (message = AUTH_MESSAGE, o: Opts = {}) =>
  new AppError(401, 1401, message, o);
/** A session quota (issue 14) would be exceeded: the message names the limit and the count. */
export const quotaExceededError = (
  message: string,
  o: Opts & { headers?: Record<string, string> } = {},
) =>
  new AppError(429, 1429, message, {
    detail: "Stop or hibernate a session, or try again when one has stopped.",
    ...o,
  });
/**
 * Both names this launch may have are held by another identity's sessions (DECISION, spec 3.1):
 * a clear 409 rather than the reference's 500 code 3002.
 */
const NAME_TAKEN = 1409;
export const isSessionNameTaken = (err: unknown): boolean =>
  err instanceof AppError && err.code === NAME_TAKEN;
export const sessionNameTakenError = (name: string, o: Opts = {}) =>
  new AppError(409, NAME_TAKEN, `The session name ${name} is taken by another user's session.`, {
    detail:
      "Another identity holds the names this launch derives; change the branch or commit, or contact your administrator.",
    ...o,
  });
export const missingResource = (message: string, o: Opts = {}) =>
  new AppError(404, 1404, message, o);
export const validationError = (detail?: string) =>
  new AppError(
    422,
    1422,
    "The request was well-formed but was unable to be followed due to semantic errors.",
    {
      ...(detail === undefined ? {} : { detail }),
    },
  );

// 2xxx: bugs and misconfiguration.
export const programmingError = (o: Opts = {}) =>
  new AppError(500, 2000, "You have found a bug", {
    detail: "Please report this to the Renku maintainers.",
    cause: o.cause,
  });
export const configurationError = (
  message = "There seems to to be a misconfiguration in Renku.",
  o: Opts = {},
) => new AppError(500, 2001, message, o);

// 3xxx: infrastructure.
const PERSIST = "If this problem persists please contact your administrator.";
export const intermittentError = (
  message = "We seem to be experiencing some technical difficulties, please try again later.",
  o: Opts = {},
) => new AppError(500, 3000, message, { detail: PERSIST, ...o });
export const deleteServerError = (o: Opts = {}) =>
  new AppError(
    500,
    3001,
    "The server cannot be deleted, most likely due to problems with the underlying infrastructure.",
    o,
  );
export const cannotStartServerError = (name: string, o: Opts = {}) =>
  new AppError(500, 3002, `Cannot start the session ${name}`, o);
/** A 403 from GitLab on a write: the caller may see the project but may not change it. */
export const gitlabForbidden = (message: string) => new AppError(403, 1403, message);
/** GitLab answered 404 for a project id: it was deleted (the autosave clean-up counts it missing). */
export const gitlabProjectMissing = (projectId: number) =>
  new AppError(404, 1404, `The project ${projectId} does not exist.`);
export const pvDisabledError = () =>
  new AppError(500, 3006, "Persistent Volumes aren't enabled in the config.");
export const patchServerError = (o: Opts = {}) =>
  new AppError(500, 3005, "The server cannot be patched.", o);
export const anonymousPatchError = () =>
  new AppError(422, 3007, "Cannot patch sessions of anonymous users.");
/** An upstream (cluster, GitLab, registry) is unreachable or failing: 503 so clients may retry. */
export const upstreamUnavailable = (message: string, o: Opts = {}) =>
  new AppError(503, 3503, message, { detail: PERSIST, ...o });

/** The function is about to hit its Lambda (and API Gateway) time limit: answer before it does. */
export const deadlineError = () =>
  new AppError(504, 3504, "The request could not be completed in time, please try again later.", {
    detail: PERSIST,
  });

/** Framework-level HTTP errors, coded as the reference's werkzeug table did. */
const HTTP_CODES: Record<number, [number, string]> = {
  400: [1400, "The browser (or proxy) sent a request that this server could not understand."],
  404: [
    1404,
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
  ],
  405: [1405, "The method is not allowed for the requested URL."],
  413: [1413, "The data value transmitted exceeds the capacity limit."],
  415: [1415, "The server does not support the media type transmitted in the request."],
  431: [1431, "One or more header fields exceeds the maximum size."],
  422: [1422, "The request was well-formed but was unable to be followed due to semantic errors."],
  501: [2501, "The server does not support the action requested by the browser."],
};

export const httpError = (
  status: number,
  o: Opts & { headers?: Record<string, string>; message?: string } = {},
) => {
  const [code, message] = HTTP_CODES[status] ?? [2500, "Internal Server Error"];
  return new AppError(status, code, o.message ?? message, o);
};

import { Writable } from "node:stream";
import { ApiException } from "@kubernetes/client-node/dist/gen/apis/exception.js";
import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import { ConflictError, translateK8sError } from "../../../lib/k8s/api-errors.js";
import { createLogger } from "../../../lib/obs/log.js";

function ctx() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _e, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const state = { invalidated: 0 };
  return {
    lines,
    state,
    ctx: {
      op: "patch jupyterservers/abc",
      cluster: 'EKS cluster "renku" (eu-central-1)',
      log: createLogger("debug", sink),
      onUnauthorized: () => {
        state.invalidated++;
      },
    },
  };
}

const status = (code: number, reason: string, message: string, causes?: unknown[]) =>
  new ApiException(
    code,
    `HTTP-Code: ${code}`,
    JSON.stringify({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      reason,
      message,
      code,
      ...(causes ? { details: { causes } } : {}),
    }),
    {},
  );

describe("translating Kubernetes client errors", () => {
  it("turns a 422 into a 2000 bug whose field message goes to the log only", () => {
    const t = ctx();
    const err = translateK8sError(
      status(
        422,
        "Invalid",
        'JupyterServer.amalthea.dev "abc" is invalid: spec.jupyterServer.image: Required value',
        [{ field: "spec.jupyterServer.image", reason: "FieldValueRequired" }],
      ),
      t.ctx,
    );
    expect(err).toBeInstanceOf(AppError);
    expect([err.status, err.code]).toEqual([500, 2000]);
    expect(err.message).not.toContain("spec.jupyterServer.image");
    const logged = t.lines.join("");
    expect(logged).toContain("spec.jupyterServer.image: Required value");
    expect(logged).toContain("patch jupyterservers/abc");
  });

  it("turns a 401 into 503/3503 and asks for new credentials", () => {
    const t = ctx();
    const err = translateK8sError(status(401, "Unauthorized", "Unauthorized"), t.ctx);
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(err.message).toContain('EKS cluster "renku"');
    expect(t.state.invalidated).toBe(1);
  });

  it("turns a 403 into a 2001 misconfiguration naming the request, not the identity", () => {
    const t = ctx();
    const err = translateK8sError(
      status(
        403,
        "Forbidden",
        'jupyterservers.amalthea.dev "abc" is forbidden: User "arn:aws:sts::123456789012:assumed-role/x" cannot patch resource',
      ),
      t.ctx,
    );
    expect([err.status, err.code]).toEqual([500, 2001]);
    expect(err.message).toContain("patch jupyterservers/abc");
    expect(err.message).not.toContain("arn:aws");
    expect(t.lines.join("")).toContain("arn:aws");
  });

  it.each([500, 503, 429])("turns an HTTP %i into 503/3503", (code) => {
    const err = translateK8sError(
      status(code, "InternalError", "etcdserver: request timed out"),
      ctx().ctx,
    );
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(err.message).toContain(String(code));
  });

  it("turns an unhandled 409 into a ConflictError", () => {
    const err = translateK8sError(
      status(409, "Conflict", "the object has been modified"),
      ctx().ctx,
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.name).toBe("ConflictError");
  });

  it("turns a timeout into 503 saying the cluster did not answer", () => {
    const abort = new Error("The user aborted a request.");
    abort.name = "AbortError";
    const err = translateK8sError(abort, ctx().ctx);
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(err.message).toContain("did not answer in time");
  });

  it("turns a refused connection into 503 naming the cause", () => {
    const refused = Object.assign(new Error("request to http://127.0.0.1:1/ failed"), {
      name: "FetchError",
      type: "system",
      code: "ECONNREFUSED",
    });
    const err = translateK8sError(refused, ctx().ctx);
    expect([err.status, err.code]).toEqual([503, 3503]);
    expect(err.message).toContain("ECONNREFUSED");
  });

  it("adds the connection hint to a timeout and an unreachable cluster, in the error and the log", () => {
    const hint = "its endpoint and CA are set by A and B";
    const abort = Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
    const tls = Object.assign(new Error("request to https://127.0.0.1:1/ failed"), {
      name: "FetchError",
      type: "system",
      code: "SELF_SIGNED_CERT_IN_CHAIN",
    });
    const t = ctx();
    const hinted = { ...t.ctx, connectionHint: hint };
    expect(translateK8sError(abort, hinted).message).toBe(
      `The Kubernetes cluster (EKS cluster "renku" (eu-central-1)) did not answer in time (patch jupyterservers/abc); ${hint}.`,
    );
    expect(translateK8sError(tls, hinted).message).toBe(
      `The Kubernetes cluster (EKS cluster "renku" (eu-central-1)) cannot be reached (SELF_SIGNED_CERT_IN_CHAIN); ${hint}.`,
    );
    expect(t.lines.map((l) => JSON.parse(l).hint)).toEqual([hint, hint]);
    // Without one, the messages are as they were.
    expect(translateK8sError(tls, ctx().ctx).message).toBe(
      'The Kubernetes cluster (EKS cluster "renku" (eu-central-1)) cannot be reached (SELF_SIGNED_CERT_IN_CHAIN).',
    );
  });

  it("passes AppErrors through untouched", () => {
    const original = new AppError(404, 1404, "nope");
    expect(translateK8sError(original, ctx().ctx)).toBe(original);
  });
});

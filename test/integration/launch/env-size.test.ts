/**
 * Session environment variables at the request's limit and beyond it, on both backends, against a
 * cluster that enforces kube-apiserver's object sizes (Secret data 1 MiB, annotations 256 KiB).
 */
import { describe, expect, it } from "vitest";
import { backendStack } from "../../helpers/backend-stack.js";
import { BACKENDS } from "../../helpers/backends.js";
import { registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "../sessions/api.js";
import { helloBody, launch } from "./helpers.js";

const alice = registeredHeaders({ username: "alice" });

/** `count` variables whose names and values fill `total` characters exactly. */
function env(count: number, total: number): Record<string, string> {
  const out: Record<string, string> = {};
  let left = total;
  for (let i = 0; i < count; i++) {
    const name = `VAR_${String(i).padStart(3, "0")}`;
    const size = Math.min(32 * 1024, Math.floor(left / (count - i)) - name.length);
    out[name] = "x".repeat(size);
    left -= name.length + size;
  }
  return out;
}

describe.each(BACKENDS)("large environments on %s", (backend) => {
  const stack = backendStack(backend, { timing: "instant" });

  it("an environment at the limit (256 KiB in all) is accepted and the session runs", async () => {
    const vars = env(10, 256 * 1024);
    const res = await launch(alice, helloBody({ environment_variables: vars }));
    expect(res.status).toBe(201);
    const name = (res.json as { name: string }).name;
    await stack.cluster.amalthea.settle();
    expect((await sessionsApi(alice).get(name)).json.status.state).toBe("running");
  });

  it("40 values of 32 KiB (over 256 KiB in all) are a 422 and nothing is created", async () => {
    const before = stack.cluster.requests.filter((r) => r.verb === "create").length;
    const res = await launch(
      alice,
      helloBody({ branch: "main", environment_variables: env(40, 40 * (32 * 1024 + 7)) }),
    );
    expect(res.status).toBe(422);
    expect((res.json as { error: { code: number } }).error.code).toBe(1422);
    expect(stack.cluster.requests.filter((r) => r.verb === "create").length).toBe(before);
  });
});

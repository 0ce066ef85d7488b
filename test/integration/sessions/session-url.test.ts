/**
 * A session's URL opened as a browser or the Renku UI opens it, through what the operator rendered
 * (the local cluster serves the sessions' ingress at `/sessions/…`, docs/local-cluster.md): Jupyter
 * at its base URL, and for registered users the git sidecar's health and JSON-RPC, which the UI
 * calls for save, pull and the unsaved-work check (issue 23, item 3; D22 on AmaltheaSession).
 */
import { describe, expect, it } from "vitest";
import { backendStack } from "../../helpers/backend-stack.js";
import { BACKENDS } from "../../helpers/backends.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { helloBody, launch } from "../launch/helpers.js";
import { sessionsApi } from "./api.js";

/** oauth2-proxy's session cookie: the browser has signed in (the OIDC flow is not simulated). */
const SIGNED_IN = "_oauth2_proxy=signed-in";

describe.each(BACKENDS)("a session's URL on %s", (backend) => {
  const stack = backendStack(backend, { timing: "instant" });

  async function running(headers: Record<string, string>) {
    const res = await launch(headers, helloBody());
    expect(res.status, res.text).toBe(201);
    const name = (res.json as { name: string }).name;
    await stack.cluster.amalthea.settle();
    expect((await sessionsApi(headers).get(name)).json.status.state).toBe("running");
    return name;
  }

  const open = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.cluster.url}${path}`, { redirect: "manual", ...init });

  it("a registered session's URL reaches Jupyter and the git sidecar's health and jsonrpc", async () => {
    const name = await running(registeredHeaders({ username: "alice" }));
    const base = `/sessions/${name}`;
    const browser = { headers: { cookie: SIGNED_IN } };

    const status = await open(`${base}/api/status`, browser);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ kernels: 0 });
    const lab = await open(`${base}/lab`, browser);
    expect(lab.status).toBe(200);
    expect(await lab.text()).toContain(`data-base-url="${base}/"`);
    // Outside Jupyter's base URL and its own paths: Jupyter's 404.
    expect((await open(`${base}/nothing-here`, browser)).status).toBe(404);

    const health = await open(`${base}/sidecar/health/`, browser);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "running" });
    const rpc = await open(`${base}/sidecar/jsonrpc`, {
      method: "POST",
      headers: { cookie: SIGNED_IN, "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "git/get_status" }),
    });
    expect(rpc.status).toBe(200);
    const answer = (await rpc.json()) as { id: number; result: { clean: boolean } };
    expect(answer.id).toBe(7);
    expect(answer.result.clean).toBe(true);

    // Not signed in: oauth2-proxy stops the request before Jupyter and the sidecar's RPC; the
    // sidecar's health and Jupyter's status skip the login, as 1.18.1 set it up.
    expect((await open(`${base}/lab`)).status).toBe(401);
    expect((await open(`${base}/sidecar/jsonrpc`, { method: "POST", body: "{}" })).status).toBe(
      401,
    );
    expect((await open(`${base}/sidecar/health/`)).status).toBe(200);
    expect((await open(`${base}/sidecar/health`)).status).toBe(200);
  });

  it("an anonymous session opens with its credential and is refused without", async () => {
    const headers = anonHeaders("anon-url1");
    const name = await running(headers);
    const base = `/sessions/${name}`;
    if (backend === "amaltheasession") {
      // The authproxy's token is the gateway's `_renku_session` cookie of the launch (D21).
      expect((await open(`${base}/lab`, { headers: { cookie: headers.cookie } })).status).toBe(200);
      const other = { headers: { cookie: "_renku_session=gateway-someone-else" } };
      expect((await open(`${base}/lab`, other)).status).toBe(401);
      expect((await open(`${base}/lab`)).status).toBe(401);
    } else {
      // Jupyter's own token, the anonymous id, as 1.18.1's SESSION_URL carries it.
      expect((await open(`${base}/lab?token=anon-url1`)).status).toBe(200);
      expect((await open(`${base}/lab?token=anon-url2`)).status).toBe(403);
      expect((await open(`${base}/lab`)).status).toBe(403);
    }
    // Anonymous sessions have no git sidecar.
    const auth = backend === "amaltheasession" ? { headers: { cookie: headers.cookie } } : {};
    const q = backend === "amaltheasession" ? "" : "?token=anon-url1";
    expect((await open(`${base}/sidecar/health/${q}`, auth)).status).toBe(404);
  });
});

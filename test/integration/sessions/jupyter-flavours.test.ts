/**
 * Both Jupyter flavours behind the proxy, on both backends (issue 23, item 2). The seed's image at
 * hello-world 4800fe1 carries the classic Notebook 6, which reads only `NotebookApp` options; the
 * one at f1ea335 carries Jupyter Server 2. The simulated session is ready only when Jupyter
 * listens on 0.0.0.0:8888 at the session's path without a token of its own.
 */
import { describe, expect, it } from "vitest";
import { backendStack } from "../../helpers/backend-stack.js";
import { BACKENDS } from "../../helpers/backends.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { helloBody, launch } from "../launch/helpers.js";
import { sessionsApi } from "./api.js";

const NOTEBOOK6 = {
  branch: "feature/plots",
  commit_sha: "4800fe13623630e5d59a42b4d28079714ace0edc",
};
const SERVER2 = {};

describe.each(BACKENDS)("Jupyter flavours on %s", (backend) => {
  const stack = backendStack(backend, { timing: "instant" });

  it.each([
    ["Notebook 6", "registered", NOTEBOOK6],
    ["Notebook 6", "anonymous", NOTEBOOK6],
    ["Jupyter Server 2", "registered", SERVER2],
    ["Jupyter Server 2", "anonymous", SERVER2],
  ])("%s for %s users runs", async (_flavour, who, body) => {
    const headers =
      who === "registered"
        ? registeredHeaders({ username: "alice" })
        : anonHeaders(`anon-flavour-${Object.keys(body).length}`);
    const res = await launch(headers, helloBody(body));
    expect(res.status).toBe(201);
    const name = (res.json as { name: string }).name;
    await stack.cluster.amalthea.settle();
    const got = await sessionsApi(headers).get(name);
    expect(got.json.status.state).toBe("running");
    const image = (res.json as { image: string }).image;
    expect(image).toMatch(body === NOTEBOOK6 ? /:4800fe1$/ : /:f1ea335$/);
    // The session's own URL, as 1.18.1 gave it: an anonymous one carries its token.
    const pod = await stack.deps.k8s.getPod(`${name}-0`);
    const session = pod?.spec?.containers.find((c) =>
      ["jupyter-server", "amalthea-session"].includes(c.name),
    );
    const url = session?.env?.find((e) => e.name === "SESSION_URL")?.value;
    const id = headers["renku-auth-anon-id"];
    expect(url).toBe(`https://sessions.example.org/sessions/${name}${id ? `?token=${id}` : ""}`);
  });
});

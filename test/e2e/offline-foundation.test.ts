/** The service under `serverless offline`, over real HTTP, as the README's quick start runs it. */
import { connect } from "node:net";
import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lambdaNode } from "../helpers/lambda-node.js";
import { type Offline, startOffline } from "../helpers/offline.js";
import { anonHeaders, registeredHeaders } from "../helpers/users.js";
import { type GitLabDouble, startGitLabDouble } from "../local/gitlab/index.js";

describe("serverless offline", () => {
  let offline: Offline;
  let gitlab: GitLabDouble;
  beforeAll(async () => {
    gitlab = await startGitLabDouble();
    offline = await startOffline(
      { NB_ANONYMOUS_SESSIONS_ENABLED: "true", NB_LOG_LEVEL: "warn", NB_GIT__URL: gitlab.url },
      90_000,
      { lambdaTimeouts: false },
    );
  }, 300_000);
  afterAll(async () => {
    await offline?.stop();
    await gitlab?.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${offline.url}${path}`, { headers });

  it("runs the functions on Lambda's Node", () => {
    // Besides node: npm exec's shell and esbuild's binary.
    const nodes = offline.executables().filter((e) => basename(e) === "node");
    expect(nodes).toEqual([lambdaNode()]);
  });

  it("serves /health", async () => {
    const r = await get("/health");
    expect(r.status).toBe(200);
    expect(await r.text()).toBe("service running under /notebooks");
  });

  it("serves /notebooks/version and /notebooks/spec.json", async () => {
    expect((await get("/notebooks/version")).status).toBe(200);
    const spec = await get("/notebooks/spec.json");
    expect(spec.status).toBe(200);
    expect(((await spec.json()) as { openapi: string }).openapi).toMatch(/^3\./);
  });

  /** A GET with each header line sent as given (fetch would join repeated names itself). */
  const rawGet = (path: string, lines: string[]) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { hostname, port } = new URL(offline.url);
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n${lines.map((l) => `${l}\r\n`).join("")}Connection: close\r\n\r\n`,
        );
      });
      let text = "";
      socket.on("data", (b) => {
        text += b;
      });
      socket.on("error", reject);
      socket.on("end", () => {
        const [head = "", body = ""] = text.split("\r\n\r\n");
        resolve({ status: Number(head.split(" ")[1]), body });
      });
    });

  it("refuses two Renku-Auth-Anon-Id headers as API Gateway's joined form is refused (issue 24)", async () => {
    const detail = "The authentication header renku-auth-anon-id was sent more than once.";
    const one = await rawGet("/notebooks/server_options", ["Renku-Auth-Anon-Id: anon-e2e1"]);
    expect(one.status).toBe(200);
    for (const lines of [
      ["Renku-Auth-Anon-Id: anon-e2e1", "Renku-Auth-Anon-Id: anon-e2e2"],
      ["Renku-Auth-Anon-Id: anon-e2e1", "renku-auth-anon-id: anon-e2e2"],
      ["Renku-Auth-Anon-Id: anon-e2e1,anon-e2e2"],
    ]) {
      const r = await rawGet("/notebooks/server_options", lines);
      expect(r.status, lines.join(" | ")).toBe(401);
      expect(JSON.parse(r.body).error).toMatchObject({ code: 1401, detail });
    }
  });

  it("answers 401 without authentication headers", async () => {
    const r = await get("/notebooks/servers");
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: { code: number } }).error.code).toBe(1401);
  });

  it("lets anonymous users through when anonymous sessions are enabled", async () => {
    const r = await get("/notebooks/server_options", anonHeaders("anon-e2e1"));
    expect(r.status).not.toBe(401);
    expect(r.headers.get("content-type")).toMatch(/json/);
  });

  it("answers a malformed POST body with 422 and a detail", async () => {
    const r = await fetch(`${offline.url}/notebooks/servers`, {
      method: "POST",
      headers: { ...anonHeaders("anon-e2e1"), "content-type": "application/json" },
      body: JSON.stringify({ namespace: "a", commit_sha: 42 }),
    });
    expect(r.status).toBe(422);
    const body = (await r.json()) as { error: { code: number; detail: string } };
    expect(body.error.code).toBe(1422);
    expect(body.error.detail).toContain("Field 'project'");
  });

  it("answers unknown routes and methods in the error format", async () => {
    const r = await get("/notebooks/no-such-thing");
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { code: number } }).error.code).toBe(1404);
    const m = await fetch(`${offline.url}/notebooks/servers`, { method: "PUT" });
    expect(m.status).toBe(405);
  });

  it("takes project paths with encoded or unencoded slashes on the autosave routes", async () => {
    const alice = registeredHeaders({ username: "alice" });
    const encoded = await get("/notebooks/renku-demo%2Fhello-world/autosave", alice);
    expect(encoded.status).toBe(200);
    const names = ((await encoded.json()) as { autosaves: { name: string }[] }).autosaves.map(
      (a) => a.name,
    );
    expect(names).toContain("renku/autosave/alice/master/41e286a/8ae5118");
    const plain = await get("/notebooks/renku-demo/hello-world/autosave", alice);
    expect(plain.status).toBe(200);
    const plainNames = ((await plain.json()) as { autosaves: { name: string }[] }).autosaves;
    expect(plainNames.map((a) => a.name)).toEqual(names);
    const anon = await get(
      "/notebooks/renku-demo/no-such-project/autosave",
      anonHeaders("anon-e2e1"),
    );
    expect(anon.status).toBe(404);
    // The same greedy route still answers other paths as the catch-all does.
    const other = await get("/notebooks/servers/x/y");
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: number } }).error.code).toBe(1404);
  });

  it("deletes an autosave named with unencoded slashes in an unencoded project path", async () => {
    const alice = registeredHeaders({ username: "alice" });
    const name = "renku/autosave/alice/master/9b1eb29/9be9409";
    const r = await fetch(`${offline.url}/notebooks/renku-demo/hello-world/autosave/${name}`, {
      method: "DELETE",
      headers: alice,
    });
    expect(r.status).toBe(204);
    const after = await get("/notebooks/renku-demo%2Fhello-world/autosave", alice);
    const left = ((await after.json()) as { autosaves: { name: string }[] }).autosaves;
    expect(left.map((a) => a.name)).not.toContain(name);
    const wrongMethod = await fetch(`${offline.url}/notebooks/servers`, { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
  });

  // Last: after every request above, Node has printed no warning (a deprecation, say) of its own.
  it("leaves no Node warning in offline's output", () => {
    expect(
      offline
        .output()
        .split("\n")
        .filter((l) => /^\(node:\d+\)/.test(l)),
    ).toEqual([]);
  });
});

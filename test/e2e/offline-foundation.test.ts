/** The service under `serverless offline`, over real HTTP, as the README's quick start runs it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Offline, startOffline } from "../helpers/offline.js";
import { anonHeaders } from "../helpers/users.js";

describe("serverless offline", () => {
  let offline: Offline;
  beforeAll(async () => {
    offline = await startOffline({ NB_ANONYMOUS_SESSIONS_ENABLED: "true", NB_LOG_LEVEL: "warn" });
  }, 300_000);
  afterAll(async () => offline?.stop());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${offline.url}${path}`, { headers });

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

  it("keeps encoded slashes of project paths in one path parameter", async () => {
    const r = await get("/notebooks/group%2Fsub%2Fproject/autosave", anonHeaders("anon-e2e1"));
    expect(r.status).not.toBe(404);
  });
});

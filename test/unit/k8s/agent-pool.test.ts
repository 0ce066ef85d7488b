import * as http from "node:http";
import * as https from "node:https";
import { describe, expect, it } from "vitest";
import { agentPool, REUSE_MS } from "../../../lib/k8s/agent-pool.js";

// What client-node's applyToFetchOptions hands over for each request: a new agent every time.
const fresh = (ca = "CA") => new https.Agent({ ca: Buffer.from(ca), rejectUnauthorized: true });

describe("agentPool", () => {
  it("sends calls close together over one keep-alive agent", () => {
    const pool = agentPool();
    const first = pool.use(fresh(), 0) as https.Agent;
    expect(first).toBeInstanceOf(https.Agent);
    expect(first.options.keepAlive).toBe(true);
    // A free connection idle past the window is closed by the agent, before any server would.
    expect(first.options.timeout).toBe(REUSE_MS);
    expect(first.options.ca).toEqual(Buffer.from("CA"));
    pool.release(first, 10);
    expect(pool.use(fresh(), 10 + REUSE_MS)).toBe(first);
  });

  it("starts a fresh agent after a pause longer than the reuse window (a thawed Lambda)", () => {
    const pool = agentPool();
    const first = pool.use(fresh(), 0);
    pool.release(first, 5);
    const later = pool.use(fresh(), 5 + REUSE_MS + 1);
    expect(later).not.toBe(first);
    expect((later as https.Agent).options.keepAlive).toBe(true);
  });

  it("a request still running keeps the agent in use", () => {
    const pool = agentPool();
    const first = pool.use(fresh(), 0);
    // Released long after it started (a slow list): the next call follows it closely.
    pool.release(first, 3 * REUSE_MS);
    expect(pool.use(fresh(), 3 * REUSE_MS + 10)).toBe(first);
  });

  it("never reuses an agent made for other TLS material (a rotated certificate)", () => {
    const pool = agentPool();
    const first = pool.use(fresh("old"), 0);
    const second = pool.use(fresh("new"), 1);
    expect(second).not.toBe(first);
    expect((second as https.Agent).options.ca).toEqual(Buffer.from("new"));
  });

  it("pools plain http agents too, and passes any other agent (a proxy's) through", () => {
    const pool = agentPool();
    const secure = pool.use(fresh(), 0);
    const plain = pool.use(new http.Agent(), 0);
    expect(plain).not.toBe(secure);
    expect(plain).not.toBeInstanceOf(https.Agent);
    expect(pool.use(new http.Agent(), 1)).toBe(plain);
    class ProxyAgent extends https.Agent {}
    const proxy = new ProxyAgent();
    expect(pool.use(proxy, 2)).toBe(proxy);
    expect(pool.use(undefined, 3)).toBeUndefined();
  });
});

/**
 * D15: a request to 169.254.169.254, 127.0.0.1 or 10.0.0.1 (directly, through DNS, a token realm
 * or a redirect) never leaves the process unless its host is allow-listed. Proved two ways: a
 * server listening on 127.0.0.1 that must receive nothing, and node's own diagnostics channels,
 * which see every outgoing socket and HTTP request this process opens.
 */
import diagnostics from "node:diagnostics_channel";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import { createRegistryClient } from "../../../lib/registry/client.js";
import { parseImageRef } from "../../../lib/util/image-ref.js";

interface Outgoing {
  sockets: number;
  requests: string[];
}

/** Counts every client socket and HTTP request opened while fn runs. */
async function watchOutgoing<T>(
  fn: () => Promise<T>,
): Promise<{ result: T | unknown; seen: Outgoing }> {
  const seen: Outgoing = { sockets: 0, requests: [] };
  const onSocket = () => {
    seen.sockets++;
  };
  const onRequest = (msg: unknown) => {
    const req = (msg as { request: http.ClientRequest }).request;
    seen.requests.push(`${req.host}${req.path}`);
  };
  diagnostics.subscribe("net.client.socket", onSocket);
  diagnostics.subscribe("http.client.request.start", onRequest);
  try {
    const result = await fn().catch((e: unknown) => e);
    return { result, seen };
  } finally {
    diagnostics.unsubscribe("net.client.socket", onSocket);
    diagnostics.unsubscribe("http.client.request.start", onRequest);
  }
}

const expectBlocked = (result: unknown) => {
  expect(result).toBeInstanceOf(AppError);
  expect((result as AppError).status).toBe(422);
  expect((result as AppError).message).toMatch(/non-public address/);
};

let victim: http.Server;
let victimPort = 0;
let victimHits = 0;
let hostile: http.Server;
let hostilePort = 0;

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  // Stands for an internal service: nothing may reach it.
  victim = http.createServer((_req, res) => {
    victimHits++;
    res.end("{}");
  });
  victim.on("connection", () => {
    victimHits++;
  });
  victimPort = await listen(victim);
  // A public-looking registry (allow-listed here only because it runs on 127.0.0.1) that tries to
  // send the client to internal addresses: through its token realm, or by redirecting.
  hostile = http.createServer((req, res) => {
    if (req.url?.startsWith("/v2/realm/")) {
      res.writeHead(401, {
        "www-authenticate": `Bearer realm="http://169.254.169.254/latest/meta-data/",service="x",scope="repository:realm/x:pull"`,
      });
      res.end();
    } else if (req.url?.startsWith("/v2/redirect/")) {
      res.writeHead(307, { location: `http://127.0.0.1:${victimPort}/v2/stolen` });
      res.end();
    } else if (req.url?.startsWith("/v2/redirect-private/")) {
      res.writeHead(302, { location: "http://10.0.0.1/v2/x" });
      res.end();
    } else {
      res.writeHead(404).end();
    }
  });
  hostilePort = await listen(hostile);
});

afterAll(async () => {
  victim.closeAllConnections();
  hostile.closeAllConnections();
  await new Promise((r) => victim.close(r));
  await new Promise((r) => hostile.close(r));
});

describe("SSRF guard in front of every registry request", () => {
  const dnsTable: Record<string, string[]> = {
    "metadata.evil.example": ["169.254.169.254"],
    "internal.evil.example": ["10.0.0.1"],
    "loopback.evil.example": ["127.0.0.1"],
  };
  const client = createRegistryClient({
    allowedHosts: [],
    plainHttpHosts: [
      "127.0.0.1",
      "169.254.169.254",
      "10.0.0.1",
      "metadata.evil.example",
      "internal.evil.example",
      "loopback.evil.example",
    ],
    gitlabRegistryHost: "registry.gitlab.example.org",
    timeoutMs: 60_000,
    lookup: async (host) => {
      const found = dnsTable[host];
      if (!found) throw Object.assign(new Error("nope"), { code: "ENOTFOUND" });
      return found;
    },
  });

  it("never connects to a loopback registry that is not allow-listed", async () => {
    const before = victimHits;
    const { result, seen } = await watchOutgoing(() =>
      client.check(parseImageRef(`127.0.0.1:${victimPort}/demo/x:1`), {
        gitlabToken: "glpat-secret",
      }),
    );
    expectBlocked(result);
    expect(seen).toEqual({ sockets: 0, requests: [] });
    expect(victimHits).toBe(before);
  });

  it.each([
    "169.254.169.254/latest/meta-data:1",
    "10.0.0.1/team/app:1",
    "169.254.169.254:80/x/y:1",
    "[::ffff:169.254.169.254]:80/x:1",
    "[::1]:5000/x:1",
  ])("refuses %s without opening a socket", async (image) => {
    const { result, seen } = await watchOutgoing(() => client.check(parseImageRef(image)));
    expectBlocked(result);
    expect(seen).toEqual({ sockets: 0, requests: [] });
  });

  it.each(["metadata.evil.example", "internal.evil.example", "loopback.evil.example"])(
    "refuses %s, a name that resolves to an internal address, without opening a socket",
    async (host) => {
      const { result, seen } = await watchOutgoing(() =>
        client.check(parseImageRef(`${host}/x/y:1`)),
      );
      expectBlocked(result);
      expect(seen).toEqual({ sockets: 0, requests: [] });
    },
  );

  it("shows the caller a 422 that names the host, and no secret", async () => {
    const error = (await client
      .check(parseImageRef("metadata.evil.example/x/y:1"), { gitlabToken: "glpat-secret" })
      .catch((e: unknown) => e)) as AppError;
    expect(JSON.stringify(error.toJSON())).toContain("metadata.evil.example");
    expect(JSON.stringify(error.toJSON())).not.toContain("glpat-secret");
  });

  describe("when the registry itself is allow-listed", () => {
    const permissive = () =>
      createRegistryClient({
        allowedHosts: [`127.0.0.1:${hostilePort}`],
        plainHttpHosts: ["127.0.0.1", "169.254.169.254", "10.0.0.1"],
        gitlabRegistryHost: "registry.gitlab.example.org",
        timeoutMs: 60_000,
      });

    it("still refuses a token realm on the metadata address", async () => {
      const { result, seen } = await watchOutgoing(() =>
        permissive().check(parseImageRef(`127.0.0.1:${hostilePort}/realm/x:1`)),
      );
      expectBlocked(result);
      expect(seen.requests.every((r) => r.startsWith("127.0.0.1"))).toBe(true);
      expect(seen.requests).toHaveLength(1);
    });

    it("still refuses a redirect to another loopback port", async () => {
      const before = victimHits;
      const { result, seen } = await watchOutgoing(() =>
        permissive().check(parseImageRef(`127.0.0.1:${hostilePort}/redirect/x:1`)),
      );
      expectBlocked(result);
      expect(seen.requests).toHaveLength(1);
      expect(victimHits).toBe(before);
    });

    it("still refuses a redirect to a private address", async () => {
      const { result, seen } = await watchOutgoing(() =>
        permissive().check(parseImageRef(`127.0.0.1:${hostilePort}/redirect-private/x:1`)),
      );
      expectBlocked(result);
      expect(seen.requests).toHaveLength(1);
    });
  });
});

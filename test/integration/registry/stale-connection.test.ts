/**
 * Node's keep-alive race: a pooled connection the server has closed (or is closing) while it sat
 * idle fails with ECONNRESET the moment a request is sent on it. The registry client sends such a
 * request once more on a new connection instead of answering 503 "could not be reached".
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuard } from "../../../lib/registry/guard.js";
import { createAgents, send } from "../../../lib/registry/http.js";

const OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok";

let server: Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  // Each connection answers its first request and resets on the second: a server that closed an
  // idle keep-alive connection just as the client reused it.
  server = createServer((socket: Socket) => {
    connections++;
    let requests = 0;
    socket.on("data", (chunk) => {
      if (!chunk.toString().includes("\r\n\r\n")) return;
      requests++;
      if (requests === 1) socket.write(OK);
      else socket.resetAndDestroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("a registry request on a pooled connection the server reset", () => {
  it("is sent again on a new connection and answered", async () => {
    const guard = createGuard({ allowedHosts: [`127.0.0.1:${port}`] });
    const agents = createAgents();
    const url = new URL(`http://127.0.0.1:${port}/v2/`);
    const first = await send(guard, url, {}, 5000, agents);
    expect(first.status).toBe(200);
    // The first connection is now free in the pool, and resets the next request sent on it.
    const second = await send(guard, url, {}, 5000, agents);
    expect(second.status).toBe(200);
    expect(second.body.toString()).toBe("ok");
    expect(connections).toBe(2);
    agents.http.destroy();
  });
});

/** The resource-pool client's wire format and error mapping, over a fake fetch. */
import { describe, expect, it } from "vitest";
import { CRC_UNEXPECTED_MESSAGE, createCrcClient } from "../../../lib/crc/index.js";
import { POOLS } from "../../helpers/pools.js";

const [pool] = POOLS;

function fakeFetch(answer: () => Response | Promise<Response>) {
  const seen: { url: string; headers: Record<string, string> }[] = [];
  const f = (async (url: string, init?: RequestInit) => {
    seen.push({ url, headers: (init?.headers ?? {}) as Record<string, string> });
    return answer();
  }) as unknown as typeof fetch;
  return { f, seen };
}

describe("createCrcClient", () => {
  it("asks for /resource_pools with the caller's token as a bearer", async () => {
    const { f, seen } = fakeFetch(() => Response.json([pool]));
    const client = createCrcClient({ baseUrl: "http://crc/api/data/", timeoutMs: 1000, fetch: f });
    expect(await client.resourcePools("tok-123")).toEqual([pool]);
    expect(seen[0]?.url).toBe("http://crc/api/data/resource_pools");
    expect(seen[0]?.headers.authorization).toBe("bearer tok-123");
  });

  it("sends a legacy request's filter as query parameters", async () => {
    const { f, seen } = fakeFetch(() => Response.json([pool]));
    const client = createCrcClient({ baseUrl: "http://crc", timeoutMs: 1000, fetch: f });
    await client.resourcePools("tok", { cpu: 0.5, memory: 2, gpu: 0, max_storage: 1 });
    const url = new URL(seen[0]?.url ?? "");
    expect(url.pathname).toBe("/resource_pools");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      cpu: "0.5",
      gpu: "0",
      memory: "2",
      max_storage: "1",
    });
  });

  it("sends no Authorization header for anonymous callers", async () => {
    const { f, seen } = fakeFetch(() => Response.json([]));
    await createCrcClient({ baseUrl: "http://crc", timeoutMs: 1000, fetch: f }).resourcePools();
    expect(seen[0]?.headers).not.toHaveProperty("authorization");
  });

  it.each([
    ["a non-200 answer", () => new Response("nope", { status: 502 })],
    ["a body that is not JSON", () => new Response("{", { status: 200 })],
    ["pools of the wrong shape", () => Response.json([{ id: "x" }])],
  ])("%s is the reference's IntermittentError (500, 3000)", async (_what, answer) => {
    const { f } = fakeFetch(answer);
    const client = createCrcClient({ baseUrl: "http://crc", timeoutMs: 1000, fetch: f });
    await expect(client.resourcePools("tok-secret")).rejects.toMatchObject({
      status: 500,
      code: 3000,
      message: CRC_UNEXPECTED_MESSAGE,
    });
  });

  it("no answer is 503 code 3503, without the token in the message", async () => {
    const { f } = fakeFetch(() => {
      throw Object.assign(new Error("timed out"), { name: "TimeoutError" });
    });
    const client = createCrcClient({ baseUrl: "http://crc", timeoutMs: 50, fetch: f });
    const err = (await client.resourcePools("tok-secret").then(
      () => new Error("no error"),
      (e: unknown) => e,
    )) as Error;
    expect(err).toMatchObject({ status: 503, code: 3503 });
    expect(JSON.stringify(err) + err.message).not.toContain("tok-secret");
  });
});

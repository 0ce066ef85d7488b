import { afterEach, describe, expect, it, vi } from "vitest";
import { createTransport } from "../../../lib/gitlab/http.js";
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  nextDelayMs,
  parseRetryAfter,
  type RetryPolicy,
} from "../../../lib/gitlab/retry.js";

const policy: RetryPolicy = {
  maxRetryMs: 5000,
  baseDelayMs: 200,
  maxDelayMs: 2000,
  maxAttempts: 5,
};

describe("Retry-After", () => {
  it("reads delta-seconds and HTTP dates, ignores junk", () => {
    const now = Date.parse("2024-01-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Mon, 01 Jan 2024 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Sun, 31 Dec 2023 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
  });
});

describe("backoff", () => {
  it("grows exponentially, is capped, and jitters within the upper half", () => {
    expect(backoffMs(0, policy, () => 0)).toBe(100);
    expect(backoffMs(0, policy, () => 1)).toBe(200);
    expect(backoffMs(2, policy, () => 1)).toBe(800);
    expect(backoffMs(10, policy, () => 1)).toBe(2000);
    expect(backoffMs(10, policy, () => 0)).toBe(1000);
  });

  it("waits at least what Retry-After asks", () => {
    expect(nextDelayMs({ attempts: 1, elapsedMs: 0, retryAfterMs: 1500 }, policy, () => 1)).toBe(
      1500,
    );
    expect(nextDelayMs({ attempts: 1, elapsedMs: 0, retryAfterMs: 10 }, policy, () => 1)).toBe(200);
  });

  it("gives up when the wait would overrun the budget or attempts run out", () => {
    expect(nextDelayMs({ attempts: 1, elapsedMs: 0, retryAfterMs: 6000 }, policy)).toBeUndefined();
    expect(
      nextDelayMs({ attempts: 2, elapsedMs: 4900, retryAfterMs: 0 }, policy, () => 1),
    ).toBeUndefined();
    expect(nextDelayMs({ attempts: 5, elapsedMs: 0 }, policy)).toBeUndefined();
  });

  it("defaults to a budget well under API Gateway's 29 s", () => {
    expect(DEFAULT_RETRY_POLICY.maxRetryMs).toBeLessThan(15_000);
  });
});

describe("transport retries with real timers faked", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const answer = (status: number, headers: Record<string, string> = {}, body = "{}") =>
    new Response(status === 204 ? null : body, { status, headers });

  it("does not call again before Retry-After has passed, then succeeds", async () => {
    vi.useFakeTimers();
    const fetch = vi
      .fn<typeof globalThis.fetch>()
      .mockResolvedValueOnce(answer(429, { "retry-after": "2" }, "Retry later\n"))
      .mockResolvedValueOnce(answer(200, {}, '{"ok":true}'));
    const t = createTransport({
      baseUrl: "https://gitlab.example.org",
      timeoutMs: 1000,
      policy,
      fetch,
      random: () => 0,
    });
    const pending = t.send("GET", `${t.apiBase}/user`);
    await vi.advanceTimersByTimeAsync(1999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    const res = await pending;
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
  });

  it("backs off exponentially on 5xx and reports 503/3503 once the attempts are spent", async () => {
    vi.useFakeTimers();
    const fetch = vi.fn<typeof globalThis.fetch>().mockImplementation(async () => answer(502));
    const t = createTransport({
      baseUrl: "https://gitlab.example.org/",
      timeoutMs: 1000,
      policy: { ...policy, maxAttempts: 3 },
      fetch,
      random: () => 1,
    });
    const pending = t.send("DELETE", `${t.apiBase}/projects/1/repository/branches/x`);
    const outcome = pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(199);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(399);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(await outcome).toMatchObject({ status: 503, code: 3503 });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it("does not retry statuses that retrying cannot fix", async () => {
    const fetch = vi.fn<typeof globalThis.fetch>().mockResolvedValue(answer(404));
    const t = createTransport({ baseUrl: "https://g.example.org", timeoutMs: 1000, policy, fetch });
    expect((await t.send("GET", `${t.apiBase}/user`)).status).toBe(404);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("sends the bearer token only in the Authorization header", async () => {
    const fetch = vi.fn<typeof globalThis.fetch>().mockResolvedValue(answer(200));
    const t = createTransport({
      baseUrl: "https://g.example.org/api/v4",
      token: "tok-123",
      timeoutMs: 1000,
      policy,
      fetch,
    });
    await t.send("GET", `${t.apiBase}/user`);
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe("https://g.example.org/api/v4/user");
    expect((init?.headers as Record<string, string> | undefined)?.authorization).toBe(
      "Bearer tok-123",
    );
  });
});

/**
 * How an anonymous user's browser gets into an AmaltheaSession: Amalthea's authproxy (type token)
 * accepts the `_renku_session` cookie or a bearer header, never a `?token=` in the URL. The
 * service makes the gateway's session cookie of the launch request the authproxy's token, so the
 * same browser, which sends that cookie to the Renku host, passes with the URL it was given.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as createServer } from "../../../functions/servers/create.js";
import { amaltheaSessions, KITS } from "../../helpers/backends.js";
import { invoke } from "../../helpers/events.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { anonHeaders, anonHeadersWithoutCookie } from "../../helpers/users.js";

const GATEWAY_COOKIE = "MTcwMDAwMDAwMHxzaWduZWQtYnktdGhlLWdhdGV3YXk=|c2ln";
let stack: SessionStack;

beforeAll(async () => {
  stack = await startSessionStack({ env: KITS.amaltheasession.env });
});
afterAll(async () => {
  await stack?.stop();
});

const launch = (headers: Record<string, string>) =>
  invoke(createServer, {
    method: "POST",
    path: "/notebooks/servers",
    headers,
    body: {
      namespace: "renku-demo",
      project: "hello-world",
      commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
    },
  });

async function authproxyConfig(name: string) {
  const secret = await amaltheaSessions(stack.deps).getSecret(name);
  const raw = Buffer.from(secret?.data?.auth ?? "", "base64").toString("utf8");
  return JSON.parse(raw).authproxy as { token: string; cookie_key: string };
}

describe("an anonymous AmaltheaSession", () => {
  it("takes the gateway's _renku_session cookie of the launch as the authproxy's token", async () => {
    const r = await launch({
      ...anonHeaders("anon-cookie1"),
      cookie: `theme=dark; _renku_session=${GATEWAY_COOKIE}`,
    });
    expect(r.status, r.text).toBe(201);
    expect(await authproxyConfig(r.json.name)).toMatchObject({
      token: GATEWAY_COOKIE,
      cookie_key: "_renku_session",
    });
    // The cookie is the browser's credential: the answer does not repeat it.
    expect(r.text).not.toContain(GATEWAY_COOKIE);
  });

  it("never writes the gateway's cookie to the logs (D21), at debug level, nor any part of it", async () => {
    const from = stack.logs.length;
    const r = await launch({
      ...anonHeaders("anon-cookie2"),
      cookie: `theme=dark; _renku_session=${GATEWAY_COOKIE}`,
    });
    expect(r.status, r.text).toBe(201);
    const written = stack.logs.slice(from).join("");
    // The launch was logged (so the check below reads real lines)...
    expect(written).toContain(r.json.name);
    // ...and neither the cookie nor either of its two signed halves is in them.
    for (const part of [GATEWAY_COOKIE, ...GATEWAY_COOKIE.split("|")])
      expect(written).not.toContain(part);
  });

  it("without the cookie no URL could open it: 401 as renku-data-services, and nothing created (D21)", async () => {
    const before = stack.cluster.requests.filter((c) => c.verb === "create").length;
    const r = await launch(anonHeadersWithoutCookie("anon-nocookie1"));
    expect(r.status, r.text).toBe(401);
    expect(r.json.error).toEqual({
      code: 1401,
      message:
        "You have to have a renku session cookie at _renku_session in order to launch an anonymous session.",
    });
    expect(stack.cluster.requests.filter((c) => c.verb === "create").length).toBe(before);
  });
});

/**
 * Issue 24, strict mode through the real middy stack (GitLab double, local cluster): with the
 * gateway trusted (NB_AUTH__TRUST_GATEWAY, no JWKS), what cannot be a token the gateway passed is
 * refused; git credentials never put a password into the session; the access token is checked;
 * and a stage that is empty is strict, not local.
 */
import { UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDeps } from "../../helpers/deps.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { gatewayShapedJwt, gitCredentials, strictHeaders } from "../../helpers/users.js";
import { HELLO } from "../sessions/launch.js";
import { call, endpoint } from "./endpoints.js";

let stack: SessionStack;
const STRICT = { NB_STAGE: "prod", NB_AUTH__TRUST_GATEWAY: "true" };
beforeAll(async () => {
  stack = await startSessionStack({ env: STRICT });
});
afterAll(async () => {
  await stack?.stop();
});

const body = { namespace: "renku-demo", project: "hello-world", commit_sha: HELLO.master };
const dave = () =>
  strictHeaders({ username: "dave", gitToken: "glpat-dave-secret", gitUrl: stack.gitlab.url });
const list = (headers: Record<string, string>) => call(endpoint("serversList"), { headers });
const upstreamCalls = () => stack.cluster.requests.length + stack.gitlab.calls.length;
const claims = { preferred_username: "dave", sub: "sub-dave" };
const INVALID_ID = "The ID token is invalid or expired.";
const INVALID_ACCESS = "The access token is invalid or expired.";

async function refused(headers: Record<string, string>, detail: string) {
  const before = upstreamCalls();
  const res = await list(headers);
  expect(res.status).toBe(401);
  expect(res.json.error).toMatchObject({ code: 1401, detail });
  expect(upstreamCalls()).toBe(before);
}

describe("an ID token the gateway cannot have passed", () => {
  it("a well-formed one is taken (the control)", async () => {
    const res = await list(dave());
    expect(res.status).toBe(200);
  });

  it.each([
    ["without exp", () => gatewayShapedJwt({ ...claims, exp: undefined })],
    ["with a string exp", () => gatewayShapedJwt({ ...claims, exp: "99999999999" })],
    ["unsigned (alg none)", () => new UnsecuredJWT(claims).setExpirationTime("1h").encode()],
    [
      "with a garbage signature",
      () => `${gatewayShapedJwt(claims).split(".").slice(0, 2).join(".")}.not-a-signature!`,
    ],
    [
      "with a signature of the wrong size",
      () => `${gatewayShapedJwt(claims).split(".").slice(0, 2).join(".")}.c2ln`,
    ],
    [
      "with a symmetric algorithm",
      () => {
        const [, payload, sig] = gatewayShapedJwt(claims).split(".");
        return `${Buffer.from('{"alg":"HS256"}').toString("base64url")}.${payload}.${sig}`;
      },
    ],
  ])("%s is a 401 before any upstream call", async (_label, token) => {
    await refused({ ...dave(), "renku-auth-id-token": token() }, INVALID_ID);
  });
});

describe("the access token", () => {
  it.each([
    ["not a JWT", () => "access-dave-secret"],
    ["another user's", () => gatewayShapedJwt({ sub: "sub-alice" })],
    ["expired", () => gatewayShapedJwt({ sub: "sub-dave", exp: 1_000_000_000 })],
    ["unsigned", () => new UnsecuredJWT({ sub: "sub-dave" }).setExpirationTime("1h").encode()],
  ])("%s is a 401 before any upstream call", async (_label, token) => {
    await refused({ ...dave(), "renku-auth-access-token": token() }, INVALID_ACCESS);
  });
});

describe("git credentials", () => {
  it.each([
    ["a password", (url: URL) => `${url.protocol}//dave:hunter2@${url.host}`],
    ["a token as the user", (url: URL) => `${url.protocol}//glpat-dave-secret@${url.host}`],
  ])(
    "an entry for the GitLab with %s in its URL is a 401, and nothing is created",
    async (_l, make) => {
      const before = stack.cluster.requests.filter((r) => r.method === "POST").length;
      const res = await call(endpoint("serversCreate"), {
        headers: {
          ...dave(),
          "renku-auth-git-credentials": gitCredentials(
            make(new URL(stack.gitlab.url)),
            "glpat-dave-secret",
          ),
        },
        body,
      });
      expect(res.status).toBe(401);
      expect(res.json.error.message).toContain("Gitlab credentials");
      expect(stack.cluster.requests.filter((r) => r.method === "POST").length).toBe(before);
      expect(res.text).not.toContain("hunter2");
    },
  );

  it("the session clones from the configured GitLab URL, not the entry's", async () => {
    const res = await call(endpoint("serversCreate"), {
      headers: {
        ...dave(),
        "renku-auth-git-credentials": gitCredentials(
          `${stack.gitlab.url}/evil/path?x=1`,
          "glpat-dave-secret",
        ),
      },
      body,
    });
    expect(res.status, res.text.slice(0, 300)).toBe(201);
    const stored = JSON.stringify(await stack.deps.k8s.get(res.json.name));
    expect(stored).toContain(`"GIT_CLONE_GIT_URL","value":"${stack.gitlab.url}"`);
    expect(stored).not.toContain("evil/path");
  });
});

describe("the stage", () => {
  it("an empty NB_STAGE is strict: an unsigned ID token is refused", async () => {
    useTestDeps({ ...stack.env, NB_STAGE: "", NB_AUTH__TRUST_GATEWAY: "true" });
    try {
      const unsigned = new UnsecuredJWT(claims).setExpirationTime("1h").encode();
      await refused({ ...dave(), "renku-auth-id-token": unsigned }, INVALID_ID);
      expect((await list(dave())).status).toBe(200);
    } finally {
      useTestDeps(stack.env);
    }
  });

  it("only the stage named local takes an unsigned token", async () => {
    useTestDeps({ ...stack.env, NB_STAGE: "local", NB_AUTH__TRUST_GATEWAY: "false" });
    try {
      const unsigned = new UnsecuredJWT(claims).setExpirationTime("1h").encode();
      const res = await list({ ...dave(), "renku-auth-id-token": unsigned });
      expect(res.status).toBe(200);
    } finally {
      useTestDeps(stack.env);
    }
  });
});

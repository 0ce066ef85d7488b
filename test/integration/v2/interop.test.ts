/**
 * Interoperability with renku-data-services, both ways, on the local cluster:
 * - a session exactly as data-services creates it (fixtures/data-services-session.json, written
 *   from its source) is listed, read, hibernated, resumed and deleted through our v2 routes, and a
 *   POST for the same launch finds it (same name derivation);
 * - a session we create for that same launch has the same name, labels, annotations, template
 *   metadata, culling, environment and containers, and carries everything data-services' list
 *   (label selector) and serialisation (crs.py as_apispec) read.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { durationSeconds } from "../../../lib/backends/amaltheasession/duration.js";
import type { AmaltheaSession } from "../../../lib/backends/amaltheasession/types.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { v2Headers } from "../../helpers/v2-users.js";
import { LAUNCHERS, PROJECTS, v2Api } from "./api.js";

let stack: SessionStack;
const dave = v2Api(v2Headers({ username: "dave", name: "Dave Outsider" }));
const NAME = "dave-b6c5ce912b79";
let fixture: { session: AmaltheaSession; secret: Record<string, unknown> };
/** The fixture as the API server stored it (CRD defaults applied), to compare like with like. */
let stored: AmaltheaSession;

beforeAll(async () => {
  stack = await startSessionStack({
    timing: "instant",
    env: {
      NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET: "local-git-proxy-secret",
      // data-services' own default, so both sides write the same culling.
      NB_SESSIONS__CULLING__REGISTERED__HIBERNATED_SECONDS: "86400",
      NB_SESSIONS__CULLING__REGISTERED__FAILED_SECONDS: "0",
    },
  });
  const text = readFileSync(
    new URL("./fixtures/data-services-session.json", import.meta.url),
    "utf8",
  )
    .replaceAll("{registry}", stack.registryHost)
    .replaceAll("{gitlab}", stack.gitlab.url)
    .replaceAll("{host}", "sessions.example.org");
  fixture = JSON.parse(text);
});
afterAll(() => stack?.stop());

const repo = () => stack.deps.amaltheaSessions;
const cr = async (name: string) => (await repo().get(name)) as AmaltheaSession;

describe("a session renku-data-services created, through our v2 routes", () => {
  it("is created as data-services creates it: its Secret, then the CR", async () => {
    expect(await repo().createSecret(fixture.secret as never)).toBe(true);
    const made = await repo().create(fixture.session);
    expect(made.created).toBe(true);
    if (made.created) stored = made.server;
    await stack.cluster.amalthea.settle();
  });

  it("is listed and read, running, with data-services' ids", async () => {
    const list = await dave.list();
    expect(list.status).toBe(200);
    expect(list.json.map((s: { name: string }) => s.name)).toEqual([NAME]);
    const one = await dave.get(NAME);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({
      name: NAME,
      project_id: PROJECTS.hello,
      launcher_id: LAUNCHERS.hello,
      resource_class_id: 1,
      session_type: "interactive",
      resources: { requests: { cpu: 0.5, memory: 1, storage: 1 } },
      status: { state: "running" },
      command_args: [],
    });
  });

  it("is found by a POST for the same launch (200, not a second session)", async () => {
    const again = await dave.create({ launcher_id: LAUNCHERS.hello });
    expect(again.status).toBe(200);
    expect(again.json.name).toBe(NAME);
    expect((await repo().list("renku.io/safe-username=sub-dave")).length).toBe(1);
  });

  it("hibernates and resumes through our PATCH", async () => {
    expect((await dave.patch(NAME, { state: "hibernated" })).json.status.state).toBe("hibernated");
    await stack.cluster.amalthea.settle();
    expect((await cr(NAME)).status?.state).toBe("Hibernated");
    expect((await dave.get(NAME)).json.status.state).toBe("hibernated");
    const resumed = await dave.patch(NAME, { state: "running" });
    expect(resumed.status).toBe(200);
    await stack.cluster.amalthea.settle();
    expect((await dave.get(NAME)).json.status.state).toBe("running");
    // The resume refreshed the sidecars: the git proxy now runs with the caller's own tokens.
    const proxy = (await cr(NAME)).spec.extraContainers?.find((c) => c.name === "git-proxy");
    const env = new Map(proxy?.env?.map((e) => [e.name, e.value]));
    expect(env.get("GIT_PROXY_RENKU_REALM")).toBe("Renku");
    expect(env.has("GIT_PROXY_RENKU_AUTHENTICATION_VERSION")).toBe(false);
  });

  it("is deleted through our DELETE, with the Secret it adopted", async () => {
    expect((await dave.delete(NAME)).status).toBe(204);
    await stack.cluster.amalthea.settle();
    expect(await repo().get(NAME)).toBeUndefined();
    expect(await repo().getSecret(NAME)).toBeUndefined();
  });
});

describe("a session we create, as data-services reads it", () => {
  let ours: AmaltheaSession;
  beforeAll(async () => {
    const r = await dave.create({ launcher_id: LAUNCHERS.hello });
    expect(r.status).toBe(201);
    ours = await cr(r.json.name);
  });

  it("has data-services' name for the same launch", () => {
    expect(ours.metadata.name).toBe(NAME);
  });

  it("carries the labels its list selects on and the annotations its serialiser requires", () => {
    const theirs = fixture.session;
    expect(ours.metadata.labels).toEqual(theirs.metadata.labels);
    expect(ours.metadata.annotations).toEqual(theirs.metadata.annotations);
    expect(ours.spec.template).toEqual(theirs.spec.template);
    const found = ours.metadata.labels?.["renku.io/safe-username"];
    expect(found).toBe("sub-dave");
    // crs.py as_apispec: ULIDs and an int from the annotations, requests present.
    expect(ours.metadata.annotations?.["renku.io/project_id"]).toMatch(
      /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/,
    );
    expect(ours.metadata.annotations?.["renku.io/launcher_id"]).toMatch(
      /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/,
    );
    expect(
      Number.isInteger(Number(ours.metadata.annotations?.["renku.io/resource_class_id"])),
    ).toBe(true);
    expect(ours.spec.session.resources?.requests).toBeDefined();
  });

  it("matches data-services' spec except the git proxy's tokens (Keycloak mode)", () => {
    const theirs = stored.spec as unknown as Record<string, unknown>;
    const mine = ours.spec as unknown as Record<string, unknown>;
    for (const key of [
      "location",
      "imagePullSecrets",
      "codeRepositories",
      "reconcileStrategy",
      "priorityClassName",
      "sessionType",
      "ingress",
      "extraVolumes",
      "authentication",
      "dataSources",
      "tolerations",
    ])
      expect(mine[key], key).toEqual(theirs[key]);
    // The operator re-serialises durations (24h -> 24h0m0s): compared by value, as clients must.
    const seconds = (c: Record<string, string> | undefined) =>
      Object.fromEntries(Object.entries(c ?? {}).map(([k, v]) => [k, durationSeconds(v)]));
    expect(seconds(ours.spec.culling as never)).toEqual(seconds(stored.spec.culling as never));
    const { env: myEnv, ...mySession } = ours.spec.session as Record<string, unknown>;
    const { env: theirEnv, ...theirSession } = fixture.session.spec.session as Record<
      string,
      unknown
    >;
    expect(mySession).toEqual(theirSession);
    expect(myEnv).toEqual(theirEnv);
    const clone = (s: AmaltheaSession) =>
      s.spec.initContainers?.map((c) => ({ ...c, env: undefined }));
    expect(clone(ours)).toEqual(clone(fixture.session));
    const cloneEnv = (s: AmaltheaSession) =>
      s.spec.initContainers?.[1]?.env?.map((e) =>
        e.name === "GIT_CLONE_USER__RENKU_TOKEN" ? e.name : e,
      );
    expect(cloneEnv(ours)).toEqual(cloneEnv(fixture.session));
    expect(ours.spec.extraContainers?.map((c) => c.name)).toEqual(["git-proxy"]);
  });

  it("has the auth Secret data-services writes, with the caller's e-mail", async () => {
    const secret = await repo().getSecret(NAME);
    const data = Object.fromEntries(
      Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
    );
    expect(Object.keys(data).sort()).toEqual(["auth", "authorized_emails"]);
    expect(data.authorized_emails).toBe("dave@example.org");
    const keys = (toml: string) =>
      toml
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(" = ")[0]);
    expect(keys(data.auth as string)).toEqual(
      keys(
        fixture.secret.stringData
          ? ((fixture.secret.stringData as Record<string, string>).auth as string)
          : "",
      ),
    );
  });
});

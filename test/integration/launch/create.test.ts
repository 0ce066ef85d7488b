/**
 * POST /notebooks/servers through the real middy stack against the local cluster (simulated
 * Amalthea, real CRD validation), the GitLab double and the real registry.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JupyterServer } from "../../../lib/backends/jupyterserver/types.js";
import type { RegistryClient } from "../../../lib/registry/client.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import {
  addedContainers,
  envOf,
  HELLO,
  helloBody,
  launch,
  opsAt,
  patchOps,
  STS,
} from "./helpers.js";

let stack: SessionStack;
const alice = registeredHeaders({ username: "alice" });
const bob = registeredHeaders({ username: "bob" });

beforeAll(async () => {
  stack = await startSessionStack();
});
afterAll(async () => {
  await stack?.stop();
});

const stored = async (name: string) => (await stack.deps.k8s.get(name)) as JupyterServer;
/** The StatefulSet the simulated Amalthea rendered for a session, read from the cluster. */
const statefulSet = async (name: string) => {
  const res = await fetch(
    `${stack.cluster.url}/apis/apps/v1/namespaces/renku/statefulsets/${name}`,
  );
  expect(res.status).toBe(200);
  return (await res.json()) as {
    spec: {
      template: {
        spec: {
          containers: Array<{
            name: string;
            image?: string;
            args?: string[];
            volumeMounts?: Array<{ name: string }>;
          }>;
        };
      };
    };
  };
};
const serversOf = async (safeUsername: string) =>
  (await stack.deps.k8s.listForUser(safeUsername)) as JupyterServer[];
const sha = (projectId: number, short: string) => {
  const p = stack.seed.projects.find((x) => x.id === projectId);
  const c = p?.commits.find((x) => x.id.startsWith(short));
  if (!c) throw new Error(`no seeded commit ${short}`);
  return c.id;
};
const autosaveBranches = async (projectId: number) =>
  (await stack.deps.gitlab("glpat-alice-secret").listBranches(projectId, "^renku/autosave/alice/"))
    .map((b) => b.name)
    .sort();
/** Puts alice's two seeded autosaves of hello-world back (an earlier launch may have deleted them). */
const seedAliceAutosaves = () => {
  stack.gitlab.state.setBranch(
    1001,
    "renku/autosave/alice/master/41e286a/8ae5118",
    sha(1001, "8ae5118"),
  );
  stack.gitlab.state.setBranch(
    1001,
    "renku/autosave/alice/master/9b1eb29/9be9409",
    sha(1001, "9be9409"),
  );
};

describe("a registered launch", () => {
  let body: Record<string, unknown>;
  let name: string;
  let js: JupyterServer;
  let counts: { k8s: string[]; gitlab: string[]; registry: number };

  beforeAll(async () => {
    const k8sBefore = stack.cluster.requests.length;
    const gitlabBefore = stack.gitlab.calls.length;
    // Count image checks at the client boundary (each is a manifest GET plus the config blob GET).
    const real: RegistryClient = stack.deps.registry;
    let registry = 0;
    stack.deps.registry = {
      check: (...args) => {
        registry += 1;
        return real.check(...args);
      },
    };
    const res = await launch(
      alice,
      helloBody({ environment_variables: { MY_VAR: "42" }, default_url: "/lab" }),
    ).finally(() => {
      stack.deps.registry = real;
    });
    expect(res.status).toBe(201);
    body = res.json as Record<string, unknown>;
    name = body.name as string;
    counts = {
      k8s: stack.cluster.requests.slice(k8sBefore).map((r) => `${r.verb} ${r.resource}`),
      gitlab: stack.gitlab.calls
        .slice(gitlabBefore)
        .map((c) => `${c.method} ${c.path.split("?")[0]}`),
      registry,
    };
    js = await stored(name);
  });

  it("answers 201 with the serialised session and no secret in it", () => {
    expect(name).toMatch(/^alice-hello-2dworld-[0-9a-f]{8}$/);
    expect(body.image).toBe(`${stack.registryHost}/renku-demo/hello-world:f1ea335`);
    expect(body.url).toBe(`https://sessions.example.org/sessions/${name}`);
    expect(body.annotations).toMatchObject({
      "renku.io/namespace": "renku-demo",
      "renku.io/projectName": "hello-world",
      "renku.io/branch": "master",
      "renku.io/commit-sha": HELLO.commit,
      "renku.io/username": "alice",
      "renku.io/default_image_used": "False",
      "renku.io/gitlabProjectId": "1001",
    });
    expect(body.annotations).not.toHaveProperty("renku.io/launch-id");
    expect(body.resources).toMatchObject({ requests: { cpu: 0.5, memory: "1G", storage: "1G" } });
    const text = JSON.stringify(body);
    for (const secret of ["glpat-alice-secret", "access-alice-secret", "refresh-alice-secret"]) {
      expect(text).not.toContain(secret);
    }
  });

  it("stored the JupyterServer the cluster validated, with labels, annotations and spec", () => {
    expect(js.metadata.labels).toMatchObject({
      app: "jupyter",
      component: "singleuser-server",
      "renku.io/safe-username": "alice",
      "renku.io/commit-sha": HELLO.commit,
      "renku.io/gitlabProjectId": "1001",
      "renku.io/userId": "sub-alice",
    });
    expect(js.metadata.annotations).toMatchObject({
      "renku.io/servername": name,
      "renku.io/repository": expect.stringContaining("renku-demo/hello-world"),
    });
    // No image asked for: the annotation is null, which Kubernetes drops.
    expect(js.metadata.annotations).not.toHaveProperty("renku.io/requested-image");
    expect(js.spec.auth).toMatchObject({
      token: "",
      oidc: {
        enabled: true,
        clientId: "renku-jupyterserver",
        clientSecret: { value: "" },
        issuerUrl: "https://renku.example.org/auth/realms/Renku",
        authorizedEmails: ["alice@example.org"],
      },
    });
    expect(js.spec.jupyterServer).toMatchObject({
      image: `${stack.registryHost}/renku-demo/hello-world:f1ea335`,
      defaultUrl: "/lab",
      // The seeded image's WorkingDir is /home/jovyan/work.
      rootDir: "/home/jovyan/work/work/hello-world/",
      resources: {
        requests: { cpu: 0.5, memory: 1_000_000_000 },
        limits: { memory: 1_000_000_000 },
      },
    });
    expect(js.spec.routing).toMatchObject({
      host: "sessions.example.org",
      path: `/sessions/${name}`,
    });
    expect(js.spec.storage).toMatchObject({ size: 1_000_000_000, pvc: { enabled: true } });
    expect(js.spec.culling.idleSecondsThreshold).toBe(86400);
  });

  it("carries the patch list field by field", () => {
    const ops = patchOps(js);
    expect(ops.slice(0, 2)).toEqual([
      { op: "test", path: `${STS}/containers/0/name`, value: "jupyter-server" },
      { op: "test", path: `${STS}/containers/1/name`, value: "oauth2-proxy" },
    ]);
    expect(opsAt(js, `${STS}/tolerations`)[0]?.value).toEqual([
      { key: "renku.io/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
    ]);
    expect(opsAt(js, `${STS}/terminationGracePeriodSeconds`)[0]?.value).toBe(600);
    expect(opsAt(js, `${STS}/priorityClassName`)).toHaveLength(0);
    expect(opsAt(js, `${STS}/containers/0/args`)[0]?.value).toEqual(["jupyter", "notebook"]);
    const env = Object.fromEntries(
      opsAt(js, `${STS}/containers/0/env/-`).map((op) => {
        const v = op.value as { name: string; value: string };
        return [v.name, v.value];
      }),
    );
    expect(env).toEqual({
      GIT_AUTOSAVE: "1",
      RENKU_USERNAME: "alice",
      CI_COMMIT_SHA: HELLO.commit,
      NOTEBOOK_DIR: "/home/jovyan/work/work/hello-world",
      MOUNT_PATH: "/work/hello-world",
      SESSION_URL: `https://sessions.example.org/sessions/${name}`,
      PROJECT_NAME: "hello-world",
      GIT_CLONE_REPO: "true",
      MY_VAR: "42",
    });
    // A public image needs no pull secret; user variables give a .Renviron secret.
    expect(opsAt(js, "/image_pull_secret")).toHaveLength(0);
    expect(opsAt(js, `${STS}/imagePullSecrets/-`)).toHaveLength(0);
    expect(opsAt(js, `${STS}/enableServiceLinks`)[0]?.value).toBe(false);
    const sidecars = addedContainers(js, "containers");
    expect([...sidecars.keys()]).toEqual(["git-proxy", "git-sidecar"]);
    expect(envOf(sidecars.get("git-proxy"))).toMatchObject({
      REPOSITORY_URL: expect.stringContaining("renku-demo/hello-world.git"),
      GITLAB_OAUTH_TOKEN: "glpat-alice-secret",
      ANONYMOUS_SESSION: "false",
    });
    expect(patchOps(js).some((op) => op.path === "/rpc_server_service")).toBe(true);
    const inits = addedContainers(js, "initContainers");
    expect([...inits.keys()]).toEqual(["init-certificates", "download-image", "git-clone"]);
    expect(inits.get("download-image")?.image).toBe(js.spec.jupyterServer.image);
    expect(envOf(inits.get("git-clone"))).toMatchObject({
      GIT_CLONE_COMMIT_SHA: HELLO.commit,
      GIT_CLONE_BRANCH: "master",
      GIT_CLONE_GIT_AUTOSAVE: "1",
      GIT_CLONE_MOUNT_PATH: "/work/hello-world",
      GIT_CLONE_USER__USERNAME: "alice",
      GIT_CLONE_USER__EMAIL: "alice@example.org",
    });
  });

  it("the simulated Amalthea accepted the patches: the session runs", async () => {
    const now = await stored(name);
    expect(now.status?.state).toBe("running");
  });

  it("the oauth2-proxy of the rendered StatefulSet sends the session to jupyter, pinned", async () => {
    const proxy = (await statefulSet(name)).spec.template.spec.containers[1];
    expect(proxy?.name).toBe("oauth2-proxy");
    expect(proxy?.image).toBe("bitnami/oauth2-proxy:7.3.0");
    // args[6] of Amalthea 0.24's template, replaced as the reference does.
    expect(proxy?.args?.[6]).toBe(`--upstream=http://127.0.0.1:8888/sessions/${name}/`);
    expect(proxy?.args).toContain(`--skip-auth-route=^/sessions/${name}/sidecar/health/$`);
    expect(proxy?.volumeMounts?.map((m) => m.name)).toContain("etc-ssl-certs");
  });

  it("makes the calls stated in the report, and no more", () => {
    // Her sessions (idempotency and names) and her quota places (D19), read at once.
    expect([...counts.k8s.slice(0, 2)].sort()).toEqual(["list configmaps", "list jupyterservers"]);
    // Once the checks pass: her place, then the session.
    expect(counts.k8s.slice(2, 4)).toEqual(["create configmaps", "create jupyterservers"]);
    // Then at once the place given the session as owner and the autosave ledger read; the ledger
    // written last (its entry for the project is new).
    expect([...counts.k8s.slice(4, 6)].sort()).toEqual(["get configmaps", "update configmaps"]);
    expect(counts.k8s.slice(6)).toEqual([expect.stringMatching(/^(create|update) configmaps$/)]);
    const gitlab = [...counts.gitlab].sort();
    expect(gitlab).toEqual(
      [
        "GET /api/v4/projects/renku-demo%2Fhello-world",
        "GET /api/v4/user",
        // Branch and commit by the project's path, so they need not wait for its id.
        "GET /api/v4/projects/renku-demo%2Fhello-world/repository/branches/master",
        `GET /api/v4/projects/renku-demo%2Fhello-world/repository/commits/${HELLO.commit}`,
        // The autosave clean-up: the list, then per own autosave a merge base, and a delete of
        // each whose root is an ancestor of the launched commit (both of alice's seeded ones).
        "GET /api/v4/projects/1001/repository/branches",
        "GET /api/v4/projects/1001/repository/merge_base",
        "GET /api/v4/projects/1001/repository/merge_base",
        "DELETE /api/v4/projects/1001/repository/branches/renku%2Fautosave%2Falice%2Fmaster%2F41e286a%2F8ae5118",
        "DELETE /api/v4/projects/1001/repository/branches/renku%2Fautosave%2Falice%2Fmaster%2F9b1eb29%2F9be9409",
      ].sort(),
    );
    expect(counts.registry).toBe(1);
  });

  it("records the project in the autosave ledger", async () => {
    const cm = await stack.deps.k8s.getConfigMap("renku-notebooks-autosave-ledger");
    const entries = JSON.parse(cm?.data["ledger.json"] ?? "[]") as { projectId: number }[];
    expect(entries).toContainEqual(
      expect.objectContaining({ projectId: 1001, projectPath: "renku-demo/hello-world" }),
    );
  });

  it("answers 200 with the same session for the same launch, whatever else the body says", async () => {
    const creates = stack.cluster.requests.filter((r) => r.verb === "create").length;
    const again = await launch(alice, helloBody({ image: "does/not:exist", storage: 9999 }));
    expect(again.status).toBe(200);
    expect((again.json as { name: string }).name).toBe(name);
    expect(stack.cluster.requests.filter((r) => r.verb === "create").length).toBe(creates);
  });

  it("a different branch is a different session", async () => {
    const other = await launch(alice, helloBody({ branch: "main" }));
    expect(other.status).toBe(201);
    expect((other.json as { name: string }).name).not.toBe(name);
  });

  it("a launch of a project recorded within the hour reads the ledger and writes nothing to it", async () => {
    const ledger = "renku-notebooks-autosave-ledger";
    const before = await stack.deps.k8s.getConfigMap(ledger);
    const start = stack.cluster.requests.length;
    const res = await launch(bob, helloBody());
    expect(res.status).toBe(201);
    const ledgerCalls = stack.cluster.requests
      .slice(start)
      .filter((r) => r.path.endsWith(`/configmaps/${ledger}`))
      .map((r) => r.verb);
    expect(ledgerCalls).toEqual(["get"]);
    expect((await stack.deps.k8s.getConfigMap(ledger))?.resourceVersion).toBe(
      before?.resourceVersion,
    );
    // The tests below expect bob to have no session.
    await stack.deps.k8s.delete((res.json as { name: string }).name, { forced: true });
  });
});

describe("anonymous launches", () => {
  const anon = anonHeaders("anon-launcher-1");

  it("start on a public project with token auth and no git sidecar", async () => {
    const res = await launch(anon, helloBody());
    expect(res.status).toBe(201);
    const body = res.json as { name: string; url: string };
    expect(body.name.startsWith("anon-")).toBe(true);
    expect(body.url).toBe(
      `https://sessions.example.org/sessions/${body.name}?token=anon-launcher-1`,
    );
    const js = await stored(body.name);
    expect(js.spec.auth).toMatchObject({ token: "anon-launcher-1", oidc: { enabled: false } });
    expect(js.spec.culling.idleSecondsThreshold).toBe(43200);
    expect(patchOps(js).filter((op) => op.op === "test")).toEqual([
      { op: "test", path: `${STS}/containers/0/name`, value: "jupyter-server" },
    ]);
    expect([...addedContainers(js, "containers").keys()]).toEqual(["git-proxy"]);
    expect(envOf(addedContainers(js, "containers").get("git-proxy")).ANONYMOUS_SESSION).toBe(
      "true",
    );
    expect(
      envOf(addedContainers(js, "initContainers").get("git-clone")).GIT_CLONE_GIT_AUTOSAVE,
    ).toBe("0");
    expect((await stored(body.name)).status?.state).toBe("running");
    const proxy = (await statefulSet(body.name)).spec.template.spec.containers[1];
    expect(proxy?.name).toBe("passthrough-proxy");
    expect(proxy?.volumeMounts).toContainEqual({
      name: "etc-ssl-certs",
      mountPath: "/etc/ssl/certs/",
      readOnly: true,
    });
  });

  it("leave the autosave ledger alone: their sessions never autosave", async () => {
    const start = stack.cluster.requests.length;
    const res = await launch(anonHeaders("anon-launcher-2"), helloBody());
    expect(res.status).toBe(201);
    const ledgerCalls = stack.cluster.requests
      .slice(start)
      .filter((r) => r.path.endsWith("/configmaps/renku-notebooks-autosave-ledger"));
    expect(ledgerCalls).toEqual([]);
    await stack.deps.k8s.delete((res.json as { name: string }).name, { forced: true });
  });

  it("get 404 for a private project, which they cannot see", async () => {
    const res = await launch(anon, {
      namespace: "alice",
      project: "private-notes",
      branch: "master",
      commit_sha: sha(1002, "d4b90de"),
    });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      error: {
        code: 1404,
        message:
          "Cannot start the session because the following Git or Docker resources are missing: project alice/private-notes does not exist",
      },
    });
    const anons = (await stack.deps.k8s.list()) as JupyterServer[];
    expect(
      anons.filter((s) => s.metadata.annotations["renku.io/userId"] === "anon-launcher-1"),
    ).toHaveLength(1);
  });
});

describe("missing resources: one 404 with everything missing", () => {
  it("lists branch, commit and explicit image together", async () => {
    const res = await launch(
      bob,
      helloBody({
        branch: "no-such-branch",
        commit_sha: "0123456789abcdef0123456789abcdef01234567",
        image: `${stack.registryHost}/nothing/here:1.0`,
      }),
    );
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      error: {
        code: 1404,
        message: `Cannot start the session because the following Git or Docker resources are missing: branch no-such-branch does not exist, commit 0123456789abcdef0123456789abcdef01234567 does not exist, image ${stack.registryHost}/nothing/here:1.0 does not exist or cannot be accessed`,
      },
    });
  });

  it("lists a missing project with a missing explicit image (D7: never a 500)", async () => {
    const res = await launch(bob, {
      namespace: "Nobody",
      project: "Nothing",
      commit_sha: HELLO.commit,
      image: `${stack.registryHost}/nothing/here:2.0`,
    });
    expect(res.status).toBe(404);
    expect((res.json as { error: { message: string } }).error.message).toBe(
      `Cannot start the session because the following Git or Docker resources are missing: project nobody/nothing does not exist, image ${stack.registryHost}/nothing/here:2.0 does not exist or cannot be accessed`,
    );
  });

  it("an explicit image that exists is used as is, with its working directory", async () => {
    const res = await launch(
      bob,
      helloBody({ image: `${stack.registryHost}/renku/singleuser:latest` }),
    );
    expect(res.status).toBe(201);
    const js = await stored((res.json as { name: string }).name);
    expect(js.metadata.annotations["renku.io/requested-image"]).toBe(
      `${stack.registryHost}/renku/singleuser:latest`,
    );
  });

  it("nothing was created by the refused launches", async () => {
    const bobs = await serversOf("bob");
    expect(bobs.map((s) => s.metadata.annotations["renku.io/requested-image"])).toEqual([
      `${stack.registryHost}/renku/singleuser:latest`,
    ]);
  });
});

describe("the commit image and the default image (D6)", () => {
  beforeEach(() => {
    seedAliceAutosaves();
  });

  it("falls back to the default image with the warning when the commit image is missing, and keeps the autosave of this very commit", async () => {
    // 41e286a has no image; alice has autosaves rooted at 41e286a (this commit) and 9b1eb29 (an ancestor).
    const before = stack.gitlab.calls.length;
    const res = await launch(alice, helloBody({ commit_sha: sha(1001, "41e286a") }));
    expect(res.status).toBe(201);
    const body = res.json as {
      image: string;
      annotations: Record<string, string>;
      status: { warnings: { message: string; critical: boolean }[] };
    };
    expect(body.image).toBe(`${stack.registryHost}/renku/singleuser:latest`);
    expect(body.annotations["renku.io/default_image_used"]).toBe("True");
    expect(body.status.warnings).toContainEqual({
      message: "Server was started using the default image.",
      critical: false,
    });
    // The service deleted only the ancestor's autosave through the GitLab API...
    const deleted = stack.gitlab.calls
      .slice(before)
      .filter((c) => c.method === "DELETE")
      .map((c) => decodeURIComponent(c.path));
    expect(deleted.filter((p) => p.includes("renku/autosave/"))).toEqual([
      expect.stringContaining("renku/autosave/alice/master/9b1eb29/"),
    ]);
    // ...and the session's git-clone restored the autosave of this very commit, consuming it.
    expect(await autosaveBranches(1001)).toEqual([]);
  });

  it("deletes both seeded autosaves on a fresh launch at master's head", async () => {
    const res = await launch(
      alice,
      helloBody({ branch: "feature/plots", commit_sha: HELLO.commit }),
    );
    expect(res.status).toBe(201);
    expect(await autosaveBranches(1001)).toEqual([]);
  });
});

describe("422s, with nothing created", () => {
  const carol = registeredHeaders({ username: "carol" });

  it("rejects unknown and missing fields (code 1422)", async () => {
    const res = await launch(carol, {
      namespace: "renku-demo",
      project: "hello-world",
      colour: "red",
    });
    expect(res.status).toBe(422);
    const err = (res.json as { error: { code: number; detail: string } }).error;
    expect(err.code).toBe(1422);
    expect(err.detail).toContain("Field 'colour' has errors: Unknown field.");
    expect(err.detail).toContain("Field 'commit_sha' has errors:");
  });

  it("refuses cloud storage (D13)", async () => {
    const res = await launch(
      carol,
      helloBody({ cloudstorage: [{ bucket: "b", endpoint: "https://s3.example.org" }] }),
    );
    expect(res.status).toBe(422);
    expect((res.json as { error: { detail: string } }).error.detail).toContain("cloudstorage");
  });

  it("refuses server options outside the configured choices, with the reference message", async () => {
    const res = await launch(
      carol,
      helloBody({ serverOptions: { cpu_request: 4, mem_request: "1G" } }),
    );
    expect(res.status).toBe(422);
    const err = (res.json as { error: { code: number; detail: string } }).error;
    expect(err.code).toBe(1422);
    expect(err.detail).toContain(
      "Provided cpu_request value is not in the allowed options [0.5, 1]",
    );
  });

  it("refuses a username longer than 63 characters once escaped", async () => {
    const long = registeredHeaders({ username: "u".repeat(64) });
    const res = await launch(long, helloBody());
    expect(res.status).toBe(422);
    expect(res.json).toEqual({
      error: {
        code: 1000,
        message:
          "A username cannot be longer than 63 characters, your username is 64 characters long.",
        detail: "This can occur if your username has been changed manually or by an admin.",
      },
    });
  });

  it("refuses an environment variable that redefines a built-in one (code 1004)", async () => {
    const res = await launch(
      carol,
      helloBody({ environment_variables: { CI_COMMIT_SHA: "other" } }),
    );
    expect(res.status).toBe(422);
    expect(res.json).toEqual({
      error: { code: 1004, message: "Cannot override environment variable 'CI_COMMIT_SHA'" },
    });
  });

  it("left no session behind", async () => {
    expect(await serversOf("carol")).toEqual([]);
  });
});

describe("concurrent identical launches", () => {
  it("create exactly one JupyterServer: one 201, the rest 200 with the same session", async () => {
    const dave = registeredHeaders({ username: "dave" });
    const body = {
      namespace: "renku-demo/analysis",
      project: "climate-model",
      branch: "main",
      commit_sha: sha(1003, "7d9d32a"),
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => launch(dave, body)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    const names = new Set(results.map((r) => (r.json as { name: string }).name));
    expect(names.size).toBe(1);
    const servers = await serversOf("dave");
    expect(servers.map((s) => s.metadata.name)).toEqual([...names]);
  });
});

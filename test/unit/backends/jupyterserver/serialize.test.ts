import { describe, expect, it } from "vitest";
import { notebookResponse, serversResponse } from "../../../../lib/api/responses.js";
import {
  serializeServer,
  serializeServers,
} from "../../../../lib/backends/jupyterserver/serialize.js";
import { pythonIsoUtc } from "../../../../lib/backends/pod/serialize.js";
import { AppError } from "../../../../lib/errors.js";
import { testConfig } from "../../sessions/fixtures.js";
import { storedServer } from "../../sessions/js-fixture.js";

const config = testConfig();
const now = new Date("2026-01-01T12:00:00Z");

describe("serializeServer (5.3)", () => {
  it("renders a running registered session", () => {
    const js = storedServer({
      state: "running",
      containerStates: { init: { "git-clone": "ready" }, regular: { "jupyter-server": "ready" } },
      mainPod: {
        name: "john-2edoe-my-project-1a2b3c4d-0",
        resourceUsage: { cpuMillicores: 250, memoryBytes: 1_500_000_000, disk: { usedBytes: 2e9 } },
      },
    });
    js.metadata.annotations["some.other/annotation"] = "dropped";
    const body = serializeServer(js, config, now);
    expect(notebookResponse().safeParse(body).success).toBe(true);
    expect(body).toMatchObject({
      name: "john-2edoe-my-project-1a2b3c4d",
      state: { pod_name: "john-2edoe-my-project-1a2b3c4d-0" },
      started: "2026-01-01T10:00:00+00:00",
      url: "https://renku.example.org/sessions/john-2edoe-my-project-1a2b3c4d",
      resources: {
        requests: { cpu: 0.5, memory: "1G", storage: "1G" },
        usage: { cpu: 0.25, memory: "1.50G", storage: "2G" },
      },
      image: "registry.example.org/group/my-project:0123456",
      status: { state: "running", totalNumContainers: 2, readyNumContainers: 2 },
    });
    expect(body.annotations["renku.io/default_image_used"]).toBe("False");
    expect(body.annotations["renku.io/namespace"]).toBe("group");
    expect(body.annotations).not.toHaveProperty("some.other/annotation");
  });

  it("URLs are https with or without TLS at the ingress; http only when the setting says so", () => {
    const js = storedServer(undefined);
    expect(js.spec.routing.tls.enabled).toBe(false);
    expect(serializeServer(js, config, now).url).toBe(
      "https://renku.example.org/sessions/john-2edoe-my-project-1a2b3c4d",
    );
    const plain = testConfig({ NB_SESSIONS__INGRESS__SCHEME: "http" });
    expect(serializeServer(js, plain, now).url).toBe(
      "http://renku.example.org/sessions/john-2edoe-my-project-1a2b3c4d",
    );
  });

  it("anonymous URLs carry the token; GPUs show when requested", () => {
    const js = storedServer(undefined, { anonymous: true });
    js.spec.routing.tls = { enabled: true, secretName: "tls" };
    js.spec.jupyterServer.resources.requests["nvidia.com/gpu"] = "2";
    const body = serializeServer(js, config, now);
    expect(body.url).toBe(
      "https://renku.example.org/sessions/anon-2dabc123-my-project-1a2b3c4d?token=anon-abc123",
    );
    expect(body.resources.requests.gpu).toBe(2);
    expect(body.resources.usage).toEqual({});
    expect(body.state.pod_name).toBeNull();
    expect(body.status.state).toBe("starting");
  });

  it("flags the default image as the string True", () => {
    const js = storedServer({ state: "running" }, { image: config.sessions.default_image });
    expect(serializeServer(js, config, now).annotations["renku.io/default_image_used"]).toBe(
      "True",
    );
  });

  it("reads quantities written by others (strings) and omits an empty emptyDir size", () => {
    const js = storedServer(undefined);
    js.spec.jupyterServer.resources.requests = { cpu: "500m", memory: "2Gi" };
    js.spec.storage.size = "";
    expect(serializeServer(js, config, now).resources.requests).toEqual({
      cpu: 0.5,
      memory: "2.15G",
    });
  });

  it("a CR without the required annotations is a 500", () => {
    const js = storedServer(undefined);
    delete js.metadata.annotations["renku.io/branch"];
    expect(() => serializeServer(js, config, now)).toThrow(AppError);
  });

  it("lists as {servers: {name: session}}", () => {
    const a = storedServer(undefined);
    const b = storedServer(undefined, { anonymous: true });
    const body = serializeServers([a, b], config, now);
    expect(Object.keys(body.servers)).toEqual([a.metadata.name, b.metadata.name]);
    expect(serversResponse().safeParse(body).success).toBe(true);
    expect(serializeServers([], config, now)).toEqual({ servers: {} });
  });
});

describe("pythonIsoUtc", () => {
  it("formats like Python's isoformat of an aware UTC datetime", () => {
    expect(pythonIsoUtc("2026-01-01T10:00:00Z")).toBe("2026-01-01T10:00:00+00:00");
    expect(pythonIsoUtc("2026-01-01T10:00:00.250Z")).toBe("2026-01-01T10:00:00.250000+00:00");
    expect(pythonIsoUtc("2026-01-01T12:00:00+02:00")).toBe("2026-01-01T10:00:00+00:00");
    expect(pythonIsoUtc(undefined)).toBeNull();
    expect(pythonIsoUtc("nonsense")).toBeNull();
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configVariables, nestEnv } from "../../../lib/config/env.js";
import { loadConfig } from "../../../lib/config/load.js";
import { configProblems } from "../../helpers/config.js";

const HOST = { NB_STAGE: "local", NB_SESSIONS__INGRESS__HOST: "sessions.example.org" };

const problemsOf = configProblems;

describe("configuration", () => {
  it("nests NB_ variables on double underscores and ignores others", () => {
    expect(nestEnv({ NB_A__B_C: "1", NB_D: "x", PATH: "/bin", NB_E: "" })).toEqual({
      a: { b_c: "1" },
      d: "x",
    });
  });

  it("fills the reference defaults", () => {
    const c = loadConfig(HOST);
    expect(c.service_prefix).toBe("/notebooks");
    expect(c.anonymous_sessions_enabled).toBe(false);
    expect(c.sessions.default_image).toBe("renku/singleuser:latest");
    expect(c.sessions.culling.registered).toMatchObject({
      idle_seconds: 86400,
      hibernated_seconds: 259200,
    });
    expect(c.sessions.culling.anonymous).toMatchObject({
      idle_seconds: 43200,
      hibernated_seconds: 1,
    });
    expect(c.sessions.containers.registered).toEqual([
      "jupyter-server",
      "oauth2-proxy",
      "git-proxy",
      "git-sidecar",
    ]);
    expect(c.amalthea).toEqual({
      group: "amalthea.dev",
      version: "v1alpha1",
      plural: "jupyterservers",
      backend: "amaltheasession",
    });
    expect(c.autosave.retention_days).toBe(14);
    expect(c.server_options.defaults.defaultUrl).toBe("/lab");
  });

  it("parses booleans, numbers and JSON values", () => {
    const c = loadConfig({
      ...HOST,
      NB_ANONYMOUS_SESSIONS_ENABLED: "true",
      NB_SESSIONS__CULLING__ANONYMOUS__IDLE_SECONDS: "600",
      NB_SESSIONS__NODE_SELECTOR: '{"pool":"sessions"}',
      NB_REGISTRY__ALLOWED_HOSTS: '["127.0.0.1:5000"]',
    });
    expect(c.anonymous_sessions_enabled).toBe(true);
    expect(c.sessions.culling.anonymous.idle_seconds).toBe(600);
    expect(c.sessions.node_selector).toEqual({ pool: "sessions" });
    expect(c.registry.allowed_hosts).toEqual(["127.0.0.1:5000"]);
  });

  it("reads KUBECONFIG unless NB_K8S__KUBECONFIG is set", () => {
    expect(loadConfig({ ...HOST, KUBECONFIG: "/k" }).k8s.kubeconfig).toBe("/k");
    expect(
      loadConfig({ ...HOST, KUBECONFIG: "/k", NB_K8S__KUBECONFIG: "/nb" }).k8s.kubeconfig,
    ).toBe("/nb");
  });

  it("names every bad variable and why, in one error", () => {
    const problems = problemsOf({
      NB_ANONYMOUS_SESSIONS_ENABLED: "yes",
      NB_SESSIONS__CULLING__REGISTERED__IDLE_SECONDS: "-3",
      NB_SESSIONS__NODE_SELECTOR: "{not json",
      NB_GIT__URL: "ftp://gitlab",
      NB_K8S__NAMESPACE: "Not_A_Label",
      NB_SERVICE_PREFX: "/typo",
      NB_SESSIONS__INGRESS__SCHEME: "ftp",
    });
    const named = problems.map((p) => p.split(":")[0]);
    expect(named.sort()).toEqual(
      [
        "NB_ANONYMOUS_SESSIONS_ENABLED",
        "NB_GIT__URL",
        "NB_K8S__NAMESPACE",
        "NB_SERVICE_PREFX",
        "NB_SESSIONS__CULLING__REGISTERED__IDLE_SECONDS",
        "NB_SESSIONS__INGRESS__HOST",
        "NB_SESSIONS__INGRESS__SCHEME",
        "NB_SESSIONS__NODE_SELECTOR",
      ].sort(),
    );
    expect(problems).toContain("NB_SESSIONS__INGRESS__HOST: is required");
    expect(problems).toContain("NB_SESSIONS__NODE_SELECTOR: is not valid JSON");
    expect(problems).toContain("NB_SERVICE_PREFX: unknown setting");
  });

  it("names an unknown nested variable in full, as the user wrote it", () => {
    const problems = problemsOf({ ...HOST, NB_SESION__X: "1", NB_SESION__Y__Z: "2" });
    expect(problems).toContain("NB_SESION__X: unknown setting");
    expect(problems).toContain("NB_SESION__Y__Z: unknown setting");
    expect(problems.join(" ")).not.toMatch(/NB_SESION: /);
  });

  it("pins the sessions' oauth2-proxy image, and checks one given", () => {
    expect(loadConfig(HOST).sessions.oauth2_proxy.image).toBe("bitnami/oauth2-proxy:7.3.0");
    const own = {
      ...HOST,
      NB_SESSIONS__OAUTH2_PROXY__IMAGE: "registry.example.org/oauth2-proxy:7.3.0",
    };
    expect(loadConfig(own).sessions.oauth2_proxy.image).toBe(
      "registry.example.org/oauth2-proxy:7.3.0",
    );
    expect(problemsOf({ ...HOST, NB_SESSIONS__OAUTH2_PROXY__IMAGE: "Not An Image" })).toEqual([
      "NB_SESSIONS__OAUTH2_PROXY__IMAGE: must be an image reference such as registry/name:tag",
    ]);
  });

  it("never echoes a secret value in its errors", () => {
    const problems = problemsOf({
      ...HOST,
      NB_GIT__SERVICE_TOKEN: "",
      NB_SESSIONS__OIDC__NOPE: "s3cr3t-value",
    });
    expect(problems.join(" ")).not.toContain("s3cr3t-value");
  });

  it("is listed whole in serverless.yml's environment block", () => {
    const yml = parse(readFileSync("serverless.yml", "utf8")) as {
      provider: { environment: Record<string, string> };
    };
    const declared = Object.keys(yml.provider.environment);
    for (const name of configVariables()) expect(declared, name).toContain(name);
    // And nothing there that the service would reject as unknown.
    for (const name of declared.filter((n) => n.startsWith("NB_"))) {
      expect(configVariables(), name).toContain(name);
    }
  });
});

describe("strict mode outside the local stage (issue 14)", () => {
  const AUTH = {
    NB_AUTH__JWKS_URL: "https://renku.example.org/auth/realms/Renku/protocol/openid-connect/certs",
    NB_AUTH__ISSUER: "https://renku.example.org/auth/realms/Renku",
    NB_AUTH__AUDIENCE: "renku",
  };

  it("is off only on a stage named local", () => {
    expect(loadConfig(HOST).stage).toBe("local");
    expect(loadConfig({ ...HOST, NB_STAGE: "local" }).auth.trust_gateway).toBe(false);
  });

  it("is on when NB_STAGE is unset or empty (issue 24: an empty stage was local)", () => {
    const { NB_STAGE: _local, ...unset } = HOST;
    for (const env of [unset, { ...unset, NB_STAGE: "" }]) {
      const problems = problemsOf(env);
      expect(problems).toHaveLength(3);
      expect(problems[0]).toMatch(
        /^NB_AUTH__JWKS_URL: required on a stage not named \(NB_STAGE unset\)/,
      );
    }
    expect(
      loadConfig({ ...unset, NB_STAGE: "", NB_AUTH__TRUST_GATEWAY: "true" }).stage,
    ).toBeUndefined();
  });

  it("refuses to start a deployed stage without JWKS, issuer and audience, naming each", () => {
    const problems = problemsOf({ ...HOST, NB_STAGE: "prod" });
    expect(problems).toHaveLength(3);
    for (const name of ["NB_AUTH__JWKS_URL", "NB_AUTH__ISSUER", "NB_AUTH__AUDIENCE"]) {
      expect(problems.some((p) => p.startsWith(`${name}: required on stage prod`))).toBe(true);
    }
    expect(
      problemsOf({ ...HOST, NB_STAGE: "prod", NB_AUTH__JWKS_URL: AUTH.NB_AUTH__JWKS_URL }),
    ).toHaveLength(2);
  });

  it("starts with full verification, or when the gateway is trusted explicitly", () => {
    expect(loadConfig({ ...HOST, NB_STAGE: "prod", ...AUTH }).stage).toBe("prod");
    expect(
      loadConfig({ ...HOST, NB_STAGE: "prod", NB_AUTH__TRUST_GATEWAY: "true" }).auth.trust_gateway,
    ).toBe(true);
  });

  it("validates the stage name", () => {
    expect(problemsOf({ ...HOST, NB_STAGE: "a b" })[0]).toMatch(/^NB_STAGE: /);
  });
});

describe("quotas (issue 14)", () => {
  it("have sane defaults, with the optional CPU and memory limits off", () => {
    expect(loadConfig(HOST).quotas).toEqual({
      sessions_per_user: 10,
      sessions_per_anonymous_id: 2,
      anonymous_sessions_total: 50,
      anonymous_sessions_per_client: 10,
      concurrent_spawn_limit: 0,
      place_ttl_seconds: 60,
      reservations_name: "renku-notebooks-quota",
    });
  });

  it("read quantities and counts, and name every bad value", () => {
    const q = loadConfig({
      ...HOST,
      NB_QUOTAS__SESSIONS_PER_USER: "3",
      NB_QUOTAS__CPU_PER_USER: "4.5",
      NB_QUOTAS__MEMORY_PER_USER: "32Gi",
    }).quotas;
    expect(q).toMatchObject({
      sessions_per_user: 3,
      cpu_per_user: 4.5,
      memory_per_user: 32 * 2 ** 30,
    });
    const problems = problemsOf({
      ...HOST,
      NB_QUOTAS__SESSIONS_PER_USER: "-1",
      NB_QUOTAS__ANONYMOUS_SESSIONS_TOTAL: "many",
      NB_QUOTAS__CPU_PER_USER: "0",
      NB_QUOTAS__MEMORY_PER_USER: "lots",
      NB_QUOTAS__RESERVATIONS_NAME: "Not_A_Name",
      NB_QUOTAS__ANONYMOUS_SESSIONS_PER_CLIENT: "-2",
      NB_QUOTAS__CONCURRENT_SPAWN_LIMIT: "some",
      // Shorter than a POST may run: a live launch's place would be freed under it.
      NB_QUOTAS__PLACE_TTL_SECONDS: "10",
    });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "NB_QUOTAS__ANONYMOUS_SESSIONS_PER_CLIENT",
      "NB_QUOTAS__ANONYMOUS_SESSIONS_TOTAL",
      "NB_QUOTAS__CONCURRENT_SPAWN_LIMIT",
      "NB_QUOTAS__CPU_PER_USER",
      "NB_QUOTAS__MEMORY_PER_USER",
      "NB_QUOTAS__PLACE_TTL_SECONDS",
      "NB_QUOTAS__RESERVATIONS_NAME",
      "NB_QUOTAS__SESSIONS_PER_USER",
    ]);
    expect(problems).toContain("NB_QUOTAS__MEMORY_PER_USER: must be a byte quantity such as 32Gi");
  });
});

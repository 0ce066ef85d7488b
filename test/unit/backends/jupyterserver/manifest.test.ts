import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import jsonpatch, { type Operation } from "fast-json-patch";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildManifest } from "../../../../lib/backends/jupyterserver/manifest.js";
import type { AmaltheaPatch, JupyterServer } from "../../../../lib/backends/jupyterserver/types.js";
import { AppError } from "../../../../lib/errors.js";
import type { JsonPatchOp } from "../../../../lib/k8s/kube-client.js";
// The copy of shared/spec/jupyterserver-crd.yaml the local cluster ships (checked equal there).
import {
  type JupyterServerSpec as RenderedSpec,
  renderChildren,
} from "../../../local/cluster/amalthea/render.js";
import { CRD_PATH } from "../../../local/cluster/crd-schema.js";
import { anonymous, manifestInput, registered, testConfig } from "../../sessions/fixtures.js";

type Schema = Record<string, unknown>;

/**
 * The CRD's schema, made strict: the API server prunes fields the schema does not declare, so
 * an undeclared field in our manifest would silently vanish. Forbid them instead.
 */
function strictCrdSchema(): Schema {
  const crd = parse(readFileSync(CRD_PATH, "utf8")) as {
    spec: { versions: { schema: { openAPIV3Schema: Schema } }[] };
  };
  const root = crd.spec.versions[0]?.schema.openAPIV3Schema as Schema;
  const tighten = (node: unknown): void => {
    if (typeof node !== "object" || node === null) return;
    const s = node as Schema;
    if (s.properties && !s["x-kubernetes-preserve-unknown-fields"]) s.additionalProperties = false;
    for (const value of Object.values(s)) {
      if (Array.isArray(value)) value.forEach(tighten);
      else tighten(value);
    }
  };
  tighten(root.properties);
  return {
    ...root,
    required: ["apiVersion", "kind", "metadata", "spec"],
    properties: {
      ...(root.properties as Schema),
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: {
        type: "object",
        required: ["name", "labels", "annotations"],
        properties: {
          name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 63 },
          namespace: { type: "string" },
          labels: {
            type: "object",
            additionalProperties: {
              type: "string",
              maxLength: 63,
              pattern: "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$",
            },
          },
          annotations: { type: "object", additionalProperties: { type: "string" } },
        },
      },
    },
  };
}

const ajv = new Ajv({ strict: false, allErrors: true });
const validate = ajv.compile(strictCrdSchema());

/**
 * The children Amalthea 0.24 renders before applying patches (amalthea.md A.6/A.8), from its own
 * templates as the local cluster renders them: which arrays exist on which container, and at which
 * index, decides whether a patch applies on a real cluster.
 */
function renderedChildren(registered: boolean) {
  const m = buildManifest(
    registered
      ? manifestInput()
      : manifestInput({ user: anonymous, gitlabUser: undefined, name: "anon-2dabc123-p-1a2b3c4d" }),
  );
  return renderChildren(m.metadata.name, m.spec as unknown as RenderedSpec);
}

function applyAll(patches: AmaltheaPatch[], registered: boolean) {
  const doc = renderedChildren(registered);
  for (const p of patches) {
    expect(p.type).toBe("application/json-patch+json");
    jsonpatch.applyPatch(doc, p.patch as Operation[], true, true);
  }
  return doc as unknown as {
    statefulset: { spec: { template: { spec: Record<string, unknown> } } };
    [child: string]: unknown;
  };
}

type Container = {
  name: string;
  image?: string;
  env?: { name: string; value: string }[];
  [k: string]: unknown;
};
const env = (c: Container | undefined) =>
  Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));

describe("buildManifest: registered user", () => {
  const manifest = buildManifest(manifestInput());

  it("validates against the JupyterServer CRD with no field the API server would prune", () => {
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the strict schema does catch undeclared fields and bad label values", () => {
    const bogus = structuredClone(manifest) as unknown as {
      spec: { jupyterServer: Record<string, unknown> };
    };
    bogus.spec.jupyterServer.cpu = 1;
    expect(validate(bogus)).toBe(false);
    const badLabel = structuredClone(manifest);
    badLabel.metadata.labels["renku.io/userId"] = "not a label value!";
    expect(validate(badLabel)).toBe(false);
  });

  it("has the identity, labels (3.2) and annotations (3.3)", () => {
    expect(manifest.apiVersion).toBe("amalthea.dev/v1alpha1");
    expect(manifest.kind).toBe("JupyterServer");
    expect(manifest.metadata.name).toBe("john-2edoe-my-project-1a2b3c4d");
    expect(manifest.metadata.namespace).toBe("renku");
    expect(manifest.metadata.labels).toEqual({
      app: "jupyter",
      component: "singleuser-server",
      "renku.io/commit-sha": "0123456789abcdef0123456789abcdef01234567",
      "renku.io/gitlabProjectId": "42",
      "renku.io/safe-username": "john-2edoe",
      "renku.io/user-kind": "registered",
      "renku.io/userId": "0b1f7c2e-user-sub",
    });
    expect(manifest.metadata.annotations).toEqual({
      "renku.io/commit-sha": "0123456789abcdef0123456789abcdef01234567",
      "renku.io/gitlabProjectId": "42",
      "renku.io/safe-username": "john-2edoe",
      "renku.io/username": "john.doe",
      "renku.io/userId": "0b1f7c2e-user-sub",
      "renku.io/servername": "john-2edoe-my-project-1a2b3c4d",
      "renku.io/branch": "master",
      "renku.io/git-host": "gitlab.com",
      "renku.io/namespace": "group",
      "renku.io/projectName": "my-project",
      "renku.io/repository": "https://gitlab.example.org/group/my-project",
      "renku.io/hibernation": "",
      "renku.io/hibernationBranch": "",
      "renku.io/hibernationCommitSha": "",
      "renku.io/hibernationDirty": "",
      "renku.io/hibernationSynchronized": "",
      "renku.io/hibernationDate": "",
      "renku.io/hibernatedSecondsThreshold": "259200",
      "renku.io/idleSecondsThreshold": "86400",
      "renku.io/lastActivityDate": "",
    });
  });

  it("uses OIDC auth with the caller's issuer and e-mail", () => {
    expect(manifest.spec.auth).toEqual({
      token: "",
      oidc: {
        enabled: true,
        clientId: "renku-jupyterserver",
        clientSecret: { value: "" },
        issuerUrl: "https://renku.example.org/auth/realms/Renku",
        authorizedEmails: ["john@example.org"],
      },
    });
  });

  it("culls with the registered thresholds", () => {
    expect(manifest.spec.culling).toEqual({
      idleSecondsThreshold: 86400,
      maxAgeSecondsThreshold: 0,
      hibernatedSecondsThreshold: 259200,
      startingSecondsThreshold: 0,
      failedSecondsThreshold: 86400,
    });
  });

  it("runs the checked image with the resources, rootDir and default URL", () => {
    expect(manifest.spec.jupyterServer).toEqual({
      image: "registry.example.org/group/my-project:0123456",
      defaultUrl: "/lab",
      rootDir: "/home/jovyan/work/my-project/",
      resources: { requests: { cpu: 0.5, memory: 1e9 }, limits: { memory: 1e9 } },
    });
  });

  it("routes /sessions/<name> on the ingress host, without TLS unless a secret is set", () => {
    expect(manifest.spec.routing).toEqual({
      host: "renku.example.org",
      path: "/sessions/john-2edoe-my-project-1a2b3c4d",
      ingressAnnotations: {},
      tls: { enabled: false },
    });
    const tls = buildManifest(
      manifestInput({
        config: testConfig({
          NB_SESSIONS__INGRESS__TLS_SECRET: "renku-tls",
          NB_SESSIONS__INGRESS__ANNOTATIONS: '{"kubernetes.io/ingress.class":"nginx"}',
        }),
      }),
    );
    expect(tls.spec.routing.tls).toEqual({ enabled: true, secretName: "renku-tls" });
    expect(tls.spec.routing.ingressAnnotations).toEqual({ "kubernetes.io/ingress.class": "nginx" });
  });

  it("stores the workspace on a PVC by default", () => {
    expect(manifest.spec.storage).toEqual({
      size: 1e9,
      pvc: { enabled: true, mountPath: "/home/jovyan/work" },
    });
  });

  it("adds the patches in the order of the table in section 4", () => {
    const firstOps = manifest.spec.patches.map((p) => {
      const op = (p.patch as JsonPatchOp[])[0] as JsonPatchOp;
      const value = op.value as { name?: string } | undefined;
      return `${op.op} ${op.path}${value && typeof value === "object" && "name" in value ? ` ${value.name}` : ""}`;
    });
    const sts = "/statefulset/spec/template/spec";
    expect(firstOps).toEqual([
      `test ${sts}/containers/0/name`,
      `test ${sts}/containers/1/name`,
      `add ${sts}/tolerations`,
      `add ${sts}/affinity`,
      `add ${sts}/nodeSelector`,
      `add ${sts}/terminationGracePeriodSeconds`,
      `add ${sts}/containers/0/args`,
      `add ${sts}/containers/0/env/- GIT_AUTOSAVE`,
      `add ${sts}/enableServiceLinks`,
      `add ${sts}/containers/- git-proxy`,
      `add ${sts}/containers/- git-sidecar`,
      "add /rpc_server_service",
      `replace ${sts}/containers/1/args/6`,
      `add ${sts}/containers/1/env/- OAUTH2_PROXY_INSECURE_OIDC_ALLOW_UNVERIFIED_EMAIL`,
      `add ${sts}/initContainers/- init-certificates`,
      `add ${sts}/volumes/- etc-ssl-certs`,
      `add ${sts}/volumes/- custom-ca-certs`,
      `add ${sts}/initContainers/- download-image`,
      `add ${sts}/initContainers/- git-clone`,
      `add ${sts}/containers/1/volumeMounts/- etc-ssl-certs`,
      `add ${sts}/containers/1/env/- OAUTH2_PROXY_PROVIDER_CA_FILES`,
    ]);
  });

  it("patches apply cleanly to Amalthea's children and give the containers the status steps expect", () => {
    const children = applyAll(manifest.spec.patches, true);
    const pod = children.statefulset.spec.template.spec;
    const containers = pod.containers as Container[];
    const inits = pod.initContainers as Container[];
    const config = testConfig();
    expect(containers.map((c) => c.name)).toEqual(config.sessions.containers.registered);
    expect(inits.map((c) => c.name)).toEqual(config.sessions.init_containers);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.terminationGracePeriodSeconds).toBe(600);
    expect(pod.tolerations).toEqual([
      { key: "renku.io/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
    ]);
    expect(pod.priorityClassName).toBeUndefined();
    expect(pod.imagePullSecrets).toEqual([]);
    expect(containers[0]?.args).toEqual(["jupyter", "notebook"]);
    // Amalthea's own variables stay first; ours follow in the reference order.
    expect(env(containers[0])).toEqual({
      JUPYTER_CONFIG_PATH: "/home/jovyan/work/.jupyter_config",
      GIT_AUTOSAVE: "1",
      RENKU_USERNAME: "john.doe",
      CI_COMMIT_SHA: "0123456789abcdef0123456789abcdef01234567",
      NOTEBOOK_DIR: "/home/jovyan/work/my-project",
      MOUNT_PATH: "/work/my-project",
      SESSION_URL: "https://renku.example.org/sessions/john-2edoe-my-project-1a2b3c4d",
      PROJECT_NAME: "my-project",
      GIT_CLONE_REPO: "true",
    });
    expect(env(containers[2])).toMatchObject({
      REPOSITORY_URL: "https://gitlab.example.org/group/my-project.git",
      GITLAB_OAUTH_TOKEN: "glpat-secret-1",
      GITLAB_OAUTH_TOKEN_EXPIRES_AT: "1900000000",
      RENKU_ACCESS_TOKEN: "access-secret-1",
      RENKU_REFRESH_TOKEN: "refresh-secret-1",
      ANONYMOUS_SESSION: "false",
      RENKU_REALM: "Renku",
    });
    expect(containers[3]?.volumeMounts).toEqual([
      { mountPath: "/work/my-project/", name: "workspace", subPath: "my-project/" },
    ]);
    // The reference's oauth2-proxy changes: the jupyter upstream at the template's args[6]
    // becomes the session's path, the sidecar routes follow, the image is pinned.
    const session = "/sessions/john-2edoe-my-project-1a2b3c4d";
    expect(containers[1]?.image).toBe("bitnami/oauth2-proxy:7.3.0");
    expect(containers[1]?.args).toEqual([
      "--provider=oidc",
      "--client-id=renku-jupyterserver",
      "--oidc-issuer-url=https://renku.example.org/auth/realms/Renku",
      "--session-cookie-minimal",
      "--http-address=:4180",
      "--skip-provider-button",
      `--upstream=http://127.0.0.1:8888${session}/`,
      `--redirect-url=http://renku.example.org${session}/oauth2/callback`,
      `--cookie-path=${session}`,
      `--proxy-prefix=${session}/oauth2`,
      "--authenticated-emails-file=/etc/oauth2-proxy/authorized-users.txt",
      `--skip-auth-route=^${session}/api/status$`,
      "--exclude-logging-path=/ping",
      `--upstream=http://127.0.0.1:4000${session}/sidecar/`,
      `--skip-auth-route=^${session}/sidecar/health$`,
      `--skip-auth-route=^${session}/sidecar/health/$`,
      "--skip-jwt-bearer-tokens=true",
      `--skip-auth-route=^${session}/sidecar/jsonrpc/map$`,
      "--oidc-extra-audience=renku",
    ]);
    expect(env(containers[1])).toEqual({
      OAUTH2_PROXY_COOKIE_SECRET: undefined,
      OAUTH2_PROXY_INSECURE_OIDC_ALLOW_UNVERIFIED_EMAIL: "false",
      OAUTH2_PROXY_PROVIDER_CA_FILES: "/etc/ssl/certs/ca-certificates.crt",
    });
    const clone = inits[2];
    expect(env(clone)).toMatchObject({
      GIT_CLONE_MOUNT_PATH: "/work/my-project",
      GIT_CLONE_REPOSITORY_URL: "https://gitlab.example.org/group/my-project.git",
      GIT_CLONE_LFS_AUTO_FETCH: "0",
      GIT_CLONE_COMMIT_SHA: "0123456789abcdef0123456789abcdef01234567",
      GIT_CLONE_BRANCH: "master",
      GIT_CLONE_USER__USERNAME: "john.doe",
      GIT_CLONE_GIT_AUTOSAVE: "1",
      GIT_CLONE_GIT_URL: "https://gitlab.example.org",
      GIT_CLONE_USER__OAUTH_TOKEN: "glpat-secret-1",
      GIT_CLONE_USER__EMAIL: "john@gitlab.example.org",
      GIT_CLONE_USER__FULL_NAME: "John D.",
    });
    expect(inits[1]).toMatchObject({
      image: "registry.example.org/group/my-project:0123456",
      command: ["sh", "-c"],
      args: ["exit 0"],
    });
    expect(children.rpc_server_service).toMatchObject({
      kind: "Service",
      metadata: { name: "john-2edoe-my-project-1a2b3c4d-rpc-server" },
      spec: { selector: { app: "john-2edoe-my-project-1a2b3c4d" } },
    });
    expect(children.image_pull_secret).toBeUndefined();
    expect(children.renviron).toBeUndefined();
  });

  it("a Guest or Reporter gets no autosave", () => {
    const m = buildManifest(
      manifestInput({ project: { ...manifestInput().project, accessLevel: 20 } }),
    );
    const pod = applyAll(m.spec.patches, true).statefulset.spec.template.spec;
    expect(env((pod.containers as Container[])[0]).GIT_AUTOSAVE).toBe("0");
    expect(env((pod.initContainers as Container[])[2]).GIT_CLONE_GIT_AUTOSAVE).toBe("0");
  });
});

describe("buildManifest: anonymous user", () => {
  const manifest = buildManifest(
    manifestInput({
      user: anonymous,
      gitlabUser: undefined,
      name: "anon-2dabc123-my-project-1a2b3c4d",
    }),
  );

  it("validates against the CRD", () => {
    expect(validate(manifest) ? [] : validate.errors).toEqual([]);
  });

  it("uses token auth and the anonymous culling", () => {
    expect(manifest.spec.auth).toEqual({ token: "anon-abc123", oidc: { enabled: false } });
    expect(manifest.spec.culling.idleSecondsThreshold).toBe(43200);
    expect(manifest.spec.culling.hibernatedSecondsThreshold).toBe(1);
    expect(manifest.metadata.labels["renku.io/userId"]).toBe("anon-abc123");
  });

  it("has git-proxy without credentials, no git-sidecar, no oauth2-proxy patches", () => {
    const children = applyAll(manifest.spec.patches, false);
    const pod = children.statefulset.spec.template.spec;
    const containers = pod.containers as Container[];
    expect(containers.map((c) => c.name)).toEqual(testConfig().sessions.containers.anonymous);
    expect(env(containers[2])).toMatchObject({
      GITLAB_OAUTH_TOKEN: "",
      RENKU_ACCESS_TOKEN: "",
      RENKU_REFRESH_TOKEN: "",
      ANONYMOUS_SESSION: "true",
    });
    expect(env(containers[1])).toEqual({});
    expect(containers[1]?.image).toBe("traefik:v2.5");
    // The passthrough-proxy gets the CA bundle too, as in the reference; no CA variable.
    expect(containers[1]?.volumeMounts).toEqual([
      {
        name: "traefik-dynamic-config",
        mountPath: "/traefik/traefik-dynamic-config.yaml",
        subPath: "traefik-dynamic-config.yaml",
      },
      { name: "etc-ssl-certs", mountPath: "/etc/ssl/certs/", readOnly: true },
    ]);
    const clone = env((pod.initContainers as Container[])[2]);
    expect(clone.GIT_CLONE_USER__OAUTH_TOKEN).toBe("");
    expect(clone.GIT_CLONE_GIT_AUTOSAVE).toBe("0");
    expect(clone).not.toHaveProperty("GIT_CLONE_USER__EMAIL");
    expect(env(containers[0]).GIT_AUTOSAVE).toBe("0");
  });
});

describe("buildManifest: options", () => {
  it("a private image gets a dockerconfigjson pull secret with the GitLab token", () => {
    const m = buildManifest(manifestInput({ image: { ...manifestInput().image, private: true } }));
    const children = applyAll(m.spec.patches, true);
    const secret = children.image_pull_secret as {
      type: string;
      metadata: { name: string };
      data: Record<string, string>;
    };
    expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
    expect(secret.metadata.name).toBe("john-2edoe-my-project-1a2b3c4d-image-secret");
    const decoded = JSON.parse(
      Buffer.from(secret.data[".dockerconfigjson"] ?? "", "base64").toString(),
    );
    expect(decoded).toEqual({
      auths: {
        "registry.gitlab.com": {
          Username: "oauth2",
          Password: "glpat-secret-1",
          Email: "john@gitlab.example.org",
        },
      },
    });
    expect(children.statefulset.spec.template.spec.imagePullSecrets).toEqual([
      { name: "john-2edoe-my-project-1a2b3c4d-image-secret" },
    ]);
  });

  it("user env vars follow the built-ins and go to .Renviron", () => {
    const input = manifestInput();
    const m = buildManifest({
      ...input,
      request: {
        ...input.request,
        environmentVariables: { FOO: "bar", PROJECT_NAME: "my-project" },
      },
    });
    const children = applyAll(m.spec.patches, true);
    const pod = children.statefulset.spec.template.spec;
    const names = ((pod.containers as Container[])[0]?.env ?? []).map((e) => e.name);
    expect(names.slice(-2)).toEqual(["FOO", "PROJECT_NAME"]);
    expect(children.renviron).toMatchObject({
      kind: "Secret",
      metadata: { name: "john-2edoe-my-project-1a2b3c4d-renviron" },
      stringData: { ".Renviron": "FOO=bar\nPROJECT_NAME=my-project" },
    });
    expect(
      // After the five mounts of Amalthea's template.
      ((pod.containers as Container[])[0]?.volumeMounts as unknown[] | undefined)?.slice(5),
    ).toEqual([
      {
        name: "john-2edoe-my-project-1a2b3c4d-renviron",
        mountPath: "/home/jovyan/.Renviron",
        subPath: ".Renviron",
        readOnly: true,
      },
    ]);
  });

  it("overriding a built-in env var with another value is 422 code 1004", () => {
    const input = manifestInput();
    try {
      buildManifest({
        ...input,
        request: { ...input.request, environmentVariables: { CI_COMMIT_SHA: "x" } },
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).toJSON()).toEqual({
        error: { code: 1004, message: "Cannot override environment variable 'CI_COMMIT_SHA'" },
      });
    }
  });

  it("a resource class brings GPUs, CPU limits, quota label, priority class, tolerations, affinity and thresholds", () => {
    const config = testConfig({
      NB_SESSIONS__ENFORCE_CPU_LIMITS: "lax",
      NB_SESSIONS__AFFINITY: JSON.stringify({
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 5, preference: { matchExpressions: [] } },
          ],
        },
      }),
      NB_SESSIONS__NODE_SELECTOR: '{"disk":"ssd"}',
    });
    const m = buildManifest(
      manifestInput({
        config,
        resources: {
          ...manifestInput().resources,
          cpu: 2,
          gpu: 1,
          priorityClass: "gpu-quota",
          resourceClassId: 3,
          idleThreshold: 3600,
          hibernationThreshold: 7200,
          tolerations: ["gpu"],
          nodeAffinities: [{ key: "gpu-node", required_during_scheduling: true }],
        },
      }),
    );
    expect(validate(m) ? [] : validate.errors).toEqual([]);
    expect(m.spec.jupyterServer.resources).toEqual({
      requests: { cpu: 2, memory: 1e9, "nvidia.com/gpu": "1" },
      limits: { cpu: 6, memory: 1e9, "nvidia.com/gpu": "1" },
    });
    expect(m.metadata.labels["renku.io/quota"]).toBe("gpu-quota");
    expect(m.metadata.annotations["renku.io/resourceClassId"]).toBe("3");
    expect(m.metadata.annotations["renku.io/idleSecondsThreshold"]).toBe("3600");
    expect(m.spec.culling).toMatchObject({
      idleSecondsThreshold: 3600,
      hibernatedSecondsThreshold: 7200,
    });
    const pod = applyAll(m.spec.patches, true).statefulset.spec.template.spec;
    expect(pod.priorityClassName).toBe("gpu-quota");
    expect(pod.tolerations).toEqual([
      { key: "renku.io/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
      { key: "gpu", operator: "Exists" },
    ]);
    expect(pod.affinity).toEqual({
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 5, preference: { matchExpressions: [] } },
        ],
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "gpu-node", operator: "Exists" }] }],
        },
      },
    });
    // A class with affinities replaces the static node selector.
    expect(pod.nodeSelector).toBeUndefined();
  });

  it("strict CPU limits equal the request", () => {
    const m = buildManifest(
      manifestInput({ config: testConfig({ NB_SESSIONS__ENFORCE_CPU_LIMITS: "strict" }) }),
    );
    expect(m.spec.jupyterServer.resources.limits).toEqual({ cpu: 0.5, memory: 1e9 });
  });

  it("without PVs the workspace is an emptyDir, sized only when configured", () => {
    const off = buildManifest(
      manifestInput({ config: testConfig({ NB_SESSIONS__STORAGE__PVS_ENABLED: "false" }) }),
    );
    expect(off.spec.storage).toEqual({
      size: "",
      pvc: { enabled: false, mountPath: "/home/jovyan/work" },
    });
    expect(validate(off) ? [] : validate.errors).toEqual([]);
    const sized = buildManifest(
      manifestInput({
        config: testConfig({
          NB_SESSIONS__STORAGE__PVS_ENABLED: "false",
          NB_SESSIONS__STORAGE__USE_EMPTY_DIR_SIZE_LIMIT: "true",
        }),
      }),
    );
    expect(sized.spec.storage.size).toBe(1e9);
    const classed = buildManifest(
      manifestInput({ config: testConfig({ NB_SESSIONS__STORAGE__PVS_STORAGE_CLASS: "fast" }) }),
    );
    expect(classed.spec.storage.pvc.storageClassName).toBe("fast");
  });

  it("a user id that is no valid label value stays an annotation only", () => {
    const m = buildManifest(manifestInput({ user: { ...registered, id: "auth0|12345" } }));
    expect(m.metadata.labels).not.toHaveProperty("renku.io/userId");
    expect(m.metadata.annotations["renku.io/userId"]).toBe("auth0|12345");
    expect(validate(m) ? [] : validate.errors).toEqual([]);
  });

  it("the requested image and an image workdir are recorded", () => {
    const input = manifestInput();
    const m: JupyterServer = buildManifest({
      ...input,
      request: { ...input.request, requestedImage: "renku/custom:1" },
      image: { image: "renku/custom:1", private: false, workdir: "/opt/app/", usedDefault: false },
    });
    expect(m.metadata.annotations["renku.io/requested-image"]).toBe("renku/custom:1");
    expect(m.spec.jupyterServer.rootDir).toBe("/opt/app/work/my-project/");
    expect(m.spec.storage.pvc.mountPath).toBe("/opt/app/work");
  });
});

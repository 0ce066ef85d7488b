/**
 * Amalthea's children for one JupyterServer (amalthea.md A.6), rendered as the dict keyed by child
 * key, then `spec.patches` applied to that dict exactly as A.8 says (json-patch / merge-patch).
 */
import { applyJsonPatch, mergePatch } from "../patch.js";
import { KubeError } from "../status.js";
import type { KObject } from "../types.js";

type Obj = Record<string, unknown>;

export interface JupyterServerSpec {
  auth: {
    token?: string;
    oidc: { enabled: boolean; clientId?: string; issuerUrl?: string; authorizedEmails?: string[] };
  };
  jupyterServer: {
    image: string;
    defaultUrl: string;
    rootDir: string;
    hibernated: boolean;
    resources: Obj;
  };
  routing: {
    host?: string;
    path: string;
    tls: { enabled: boolean; secretName?: string };
    ingressAnnotations: Obj;
  };
  storage: {
    size: string | number;
    pvc: { enabled: boolean; mountPath: string; storageClassName?: string };
  };
  patches: Array<{ type: string; patch: unknown }>;
}

export const PARENT_NAME = "amalthea.dev/parent-name";

export function specOf(cr: KObject): JupyterServerSpec {
  return cr.spec as JupyterServerSpec;
}

export function fullServerUrl(spec: JupyterServerSpec): string {
  const scheme = spec.routing.tls.enabled ? "https" : "http";
  return `${scheme}://${spec.routing.host ?? ""}${spec.routing.path}`;
}

function statefulSet(name: string, spec: JupyterServerSpec): Obj {
  const path = spec.routing.path.replace(/\/$/, "");
  const probe = (period: number, failures: number) => ({
    httpGet: { path: `${path}/api/status`, port: 8888 },
    periodSeconds: period,
    failureThreshold: failures,
  });
  const proxy = spec.auth.oidc.enabled
    ? {
        name: "oauth2-proxy",
        image: "harbor.renkulab.io/bitnami-mirror/oauth2-proxy:7.6.0",
        args: [
          "--provider=oidc",
          `--client-id=${spec.auth.oidc.clientId ?? ""}`,
          `--oidc-issuer-url=${spec.auth.oidc.issuerUrl ?? ""}`,
          "--http-address=:4180",
          `--skip-auth-regex=^${path}/api/status$`,
          "--authenticated-emails-file=/etc/oauth2-proxy/authorized-users.txt",
        ],
        ports: [{ name: "http", containerPort: 4180, protocol: "TCP" }],
        env: [
          {
            name: "OAUTH2_PROXY_COOKIE_SECRET",
            valueFrom: { secretKeyRef: { name, key: "oauth2ProxyCookieSecret" } },
          },
          {
            name: "OAUTH2_PROXY_CLIENT_SECRET",
            valueFrom: { secretKeyRef: { name, key: "oidcClientSecret" } },
          },
        ],
        resources: { requests: { cpu: "50m", memory: "32Mi" } },
        // Amalthea 0.24 mounts the allow-list from the ConfigMap; patches append to this array.
        volumeMounts: [
          {
            name: "jupyter-config",
            mountPath: "/etc/oauth2-proxy/authorized-users.txt",
            subPath: "authorized-users.txt",
          },
        ],
      }
    : {
        name: "passthrough-proxy",
        image: "traefik:v2.5",
        args: [
          "--entrypoints.web.address=:4180",
          "--providers.file.filename=/etc/traefik/traefik-dynamic-config.yaml",
        ],
        ports: [{ name: "http", containerPort: 4180, protocol: "TCP" }],
        resources: { requests: { cpu: "20m", memory: "32Mi" } },
        volumeMounts: [
          {
            name: "jupyter-config",
            mountPath: "/etc/traefik/traefik-dynamic-config.yaml",
            subPath: "traefik-dynamic-config.yaml",
          },
        ],
      };
  const workspace = spec.storage.pvc.enabled
    ? { name: "workspace", persistentVolumeClaim: { claimName: name } }
    : {
        name: "workspace",
        emptyDir: { sizeLimit: spec.storage.size === "" ? undefined : spec.storage.size },
      };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name },
    spec: {
      replicas: spec.jupyterServer.hibernated ? 0 : 1,
      podManagementPolicy: "Parallel",
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, "amalthea.dev/main-pod": "true" } },
        spec: {
          securityContext: { fsGroup: 100 },
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 30,
          imagePullSecrets: [],
          initContainers: [],
          containers: [
            {
              name: "jupyter-server",
              image: spec.jupyterServer.image,
              args: ["jupyter", "server"],
              workingDir: spec.jupyterServer.rootDir,
              ports: [{ name: "notebook-port", containerPort: 8888, protocol: "TCP" }],
              securityContext: {
                runAsUser: 1000,
                runAsGroup: 100,
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
              },
              env: [
                {
                  name: "SERVER_APP_TOKEN",
                  valueFrom: { secretKeyRef: { name, key: "jupyterServerAppToken" } },
                },
                {
                  name: "JUPYTER_CONFIG_PATH",
                  value: `${spec.storage.pvc.mountPath}/.jupyter_config`,
                },
              ],
              resources: structuredClone(spec.jupyterServer.resources ?? {}),
              volumeMounts: [
                { name: "workspace", mountPath: spec.storage.pvc.mountPath },
                {
                  name: "jupyter-config",
                  mountPath: "/etc/jupyter_server_config.py",
                  subPath: "jupyter_server_config.py",
                },
              ],
              startupProbe: probe(2, 150),
              readinessProbe: probe(2, 10),
              livenessProbe: probe(2, 30),
            },
            proxy,
          ],
          volumes: [
            workspace,
            { name: "jupyter-server-secrets", secret: { secretName: name } },
            { name: "jupyter-config", configMap: { name } },
          ],
        },
      },
    },
  };
}

/** The rendered children, before patches. */
export function renderChildren(name: string, spec: JupyterServerSpec): Record<string, Obj> {
  const children: Record<string, Obj> = {
    statefulset: statefulSet(name, spec),
    service: {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name },
      spec: {
        clusterIP: "None",
        selector: { app: name },
        ports: [{ name: "http", port: 80, targetPort: 4180, protocol: "TCP" }],
      },
    },
    ingress: {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name, annotations: structuredClone(spec.routing.ingressAnnotations ?? {}) },
      spec: {
        rules: [
          {
            host: spec.routing.host,
            http: {
              paths: [
                {
                  path: spec.routing.path,
                  pathType: "Prefix",
                  backend: { service: { name, port: { number: 80 } } },
                },
              ],
            },
          },
        ],
        ...(spec.routing.tls.enabled
          ? { tls: [{ hosts: [spec.routing.host], secretName: spec.routing.tls.secretName }] }
          : {}),
      },
    },
    configmap: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name },
      data: {
        "jupyter_server_config.py": `c.ServerApp.ip = "0.0.0.0"\nc.ServerApp.port = 8888\nc.ServerApp.base_url = "${spec.routing.path}"\nc.ServerApp.root_dir = "${spec.jupyterServer.rootDir}"\nc.ServerApp.default_url = "${spec.jupyterServer.defaultUrl}"\n`,
        ...(spec.auth.oidc.enabled
          ? { "authorized-users.txt": (spec.auth.oidc.authorizedEmails ?? []).join("\n") }
          : { "traefik-dynamic-config.yaml": "http: {}\n" }),
      },
    },
    secret: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name },
      type: "Opaque",
      stringData: undefined,
      data: {
        jupyterServerAppToken: Buffer.from(spec.auth.token ?? "generated-token").toString("base64"),
        jupyterServerCookieSecret: Buffer.from("cookie-secret").toString("base64"),
        ...(spec.auth.oidc.enabled
          ? { oauth2ProxyCookieSecret: Buffer.from("proxy-cookie-secret").toString("base64") }
          : {}),
      },
    },
  };
  if (spec.storage.pvc.enabled) {
    children.pvc = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name },
      spec: {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: spec.storage.size || "100Mi" } },
        ...(spec.storage.pvc.storageClassName
          ? { storageClassName: spec.storage.pvc.storageClassName }
          : {}),
      },
    };
  }
  return JSON.parse(JSON.stringify(children)) as Record<string, Obj>; // drops the undefined placeholders
}

/** Applies `spec.patches` in order; returns the error text the operator would log on failure. */
export function patchChildren(
  children: Record<string, Obj>,
  patches: JupyterServerSpec["patches"],
): { children: Record<string, Obj> } | { error: string } {
  let doc: unknown = children;
  for (const [i, p] of patches.entries()) {
    try {
      if (p.type === "application/json-patch+json") doc = applyJsonPatch(doc, p.patch);
      else if (p.type === "application/merge-patch+json") doc = mergePatch(doc, p.patch);
    } catch (err) {
      const detail =
        err instanceof KubeError
          ? (err.body.details?.causes?.[0]?.message ?? err.message)
          : err instanceof Error
            ? err.message
            : String(err);
      return { error: `patch ${i} (${p.type}) could not be applied: ${detail}` };
    }
  }
  return { children: doc as Record<string, Obj> };
}

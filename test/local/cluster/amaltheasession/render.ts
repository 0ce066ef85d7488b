/**
 * The children Amalthea 0.31.0 renders for an Interactive AmaltheaSession (amaltheasession.md §3):
 * StatefulSet, Service, Ingress, workspace PVC, data-source PVCs and the internal Secret, with the
 * pod's containers in the operator's order.
 */
import type { KObject } from "../types.js";

export const SIDECARS_IMAGE = "renku/sidecars:latest";
export const OAUTH2_PROXY_IMAGE = "harbor.renkulab.io/bitnami-mirror/oauth2-proxy:7.6.0";
export const SESSION_CONTAINER = "amalthea-session";
export const RCLONE_STORAGE_CLASS = "csi-rclone-secret-annotation";

type Obj = Record<string, unknown>;
interface SecretRef {
  name: string;
  key?: string;
  adopt?: boolean;
}
interface Container {
  name: string;
  image?: string;
  [key: string]: unknown;
}

export interface AmsSpec {
  hibernated: boolean;
  location?: string;
  sessionType?: string;
  reconcileStrategy?: "never" | "always" | "whenFailedOrHibernated";
  session: {
    image: string;
    imagePullPolicy?: string;
    command?: string[];
    args?: string[];
    env?: Obj[];
    resources?: Obj;
    port?: number;
    urlPath?: string;
    stripURLPath?: boolean;
    workingDir?: string;
    runAsUser?: number;
    runAsGroup?: number;
    storage?: { className?: string; size?: string | number; mountPath?: string };
    shmSize?: string | number;
    extraVolumeMounts?: Obj[];
    readinessProbe?: { type?: "none" | "tcp" | "http" };
  };
  culling?: {
    maxAge?: string;
    maxIdleDuration?: string;
    maxStartingDuration?: string;
    maxFailedDuration?: string;
    maxHibernatedDuration?: string;
    lastInteraction?: string;
    cpuIdleThreshold?: string | number;
  };
  authentication?: {
    enabled?: boolean;
    type: "token" | "oauth2proxy" | "oidc";
    secretRef: SecretRef;
    extraVolumeMounts?: Obj[];
  };
  codeRepositories?: Array<{
    type?: string;
    clonePath?: string;
    remote: string;
    revision?: string;
    cloningConfigSecretRef?: SecretRef;
    configSecretRef?: SecretRef;
  }>;
  dataSources?: Array<{
    type?: string;
    mountPath?: string;
    accessMode?: string;
    secretRef?: SecretRef;
  }>;
  ingress?: {
    host: string;
    annotations?: Record<string, string>;
    ingressClassName?: string;
    tlsSecret?: SecretRef;
    pathPrefix?: string;
    useDefaultClusterTLSCert?: boolean;
    assumeHttps?: boolean;
  };
  extraContainers?: Container[];
  initContainers?: Container[];
  extraVolumes?: Array<{ name: string; [key: string]: unknown }>;
  nodeSelector?: Obj;
  affinity?: Obj;
  tolerations?: Obj[];
  priorityClassName?: string;
  serviceAccountName?: string;
  imagePullSecrets?: SecretRef[];
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  };
}

export const specOf = (cr: KObject) => cr.spec as AmsSpec;

export function selectorLabels(name: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "AmaltheaSession",
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/part-of": "amaltheasession-operator",
    "app.kubernetes.io/created-by": "controller-manager",
  };
}

/** Is an auth proxy in front of the session (authentication set and not disabled)? */
export const authEnabled = (spec: AmsSpec) =>
  spec.authentication !== undefined && spec.authentication.enabled !== false;

/** `<scheme>://<host><urlPath>/`, or "None" without an ingress (types.go:555-579). */
export function sessionUrl(spec: AmsSpec, httpsIngress = false): string {
  const ing = spec.ingress;
  if (!ing?.host) return "None";
  const https =
    Boolean(ing.tlsSecret?.name) || ing.useDefaultClusterTLSCert || ing.assumeHttps || httpsIngress;
  const raw = spec.session.urlPath ?? "/";
  const cut = raw.search(/[?#]/);
  const path = cut < 0 ? raw : raw.slice(0, cut);
  const rest = cut < 0 ? "" : raw.slice(cut);
  return `${https ? "https" : "http"}://${ing.host}${path.endsWith("/") ? path : `${path}/`}${rest}`;
}

/** The secrets the session adopts: the operator deletes them through its finalizer (§5.6). */
export function adoptedSecrets(spec: AmsSpec): string[] {
  const refs: Array<SecretRef | undefined> = [
    spec.ingress?.tlsSecret,
    authEnabled(spec) ? spec.authentication?.secretRef : undefined,
    (spec.session as { remoteSecretRef?: SecretRef }).remoteSecretRef,
    ...(spec.dataSources ?? []).map((d) => d.secretRef),
    ...(spec.codeRepositories ?? []).flatMap((r) => [r.cloningConfigSecretRef, r.configSecretRef]),
    ...(spec.imagePullSecrets ?? []),
  ];
  return [...new Set(refs.filter((r) => r?.adopt && r.name).map((r) => (r as SecretRef).name))];
}

function cloneContainers(spec: AmsSpec, mountPath: string): { init: Container[]; volumes: Obj[] } {
  const init: Container[] = [];
  const volumes: Obj[] = [];
  const mounts: Obj[] = [{ name: "amalthea-volume", mountPath }];
  for (const [i, repo] of (spec.codeRepositories ?? []).entries()) {
    const args = [
      "cloner",
      "clone",
      "--strategy",
      "notifexist",
      "--remote",
      repo.remote,
      "--path",
      `${mountPath}/${repo.clonePath ?? "."}`,
    ];
    const secret = repo.cloningConfigSecretRef;
    if (secret) {
      const volume = `amalthea-git-clone-cred-volume-${i}`;
      volumes.push({ name: volume, secret: { secretName: secret.name } });
      // Later clone containers see earlier repositories' secrets too (clone.go).
      mounts.push({ name: volume, mountPath: "/git-clone-secrets", readOnly: true });
      args.push("--config", `/git-clone-secrets/${secret.key ?? ""}`);
    }
    if (repo.revision) args.push("--revision", repo.revision);
    init.push({
      name: `git-clone-${i}`,
      image: SIDECARS_IMAGE,
      args,
      volumeMounts: structuredClone(mounts),
      securityContext: {
        runAsUser: spec.session.runAsUser ?? 1000,
        runAsGroup: spec.session.runAsGroup ?? 1000,
        runAsNonRoot: true,
      },
    });
  }
  return { init, volumes };
}

function sessionContainer(spec: AmsSpec, dsMounts: Obj[]): Container {
  const s = spec.session;
  const port = s.port ?? 8000;
  const uid = s.runAsUser ?? 1000;
  const mounts: Obj[] = [
    { name: "amalthea-volume", mountPath: s.storage?.mountPath ?? "/workspace" },
  ];
  if (s.shmSize !== undefined) mounts.push({ name: "amalthea-dev-shm", mountPath: "/dev/shm" });
  mounts.push(...(s.extraVolumeMounts ?? []), ...dsMounts);
  const c: Container = {
    name: SESSION_CONTAINER,
    image: s.image,
    imagePullPolicy: s.imagePullPolicy ?? "Always",
    env: s.env ?? [],
    resources: s.resources ?? {},
    volumeMounts: mounts,
    securityContext: {
      runAsNonRoot: uid !== 0,
      runAsUser: uid,
      runAsGroup: s.runAsGroup ?? 1000,
      capabilities: { drop: ["ALL"] },
    },
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
  };
  if (s.command) c.command = s.command;
  if (s.args) c.args = s.args;
  if (s.workingDir) c.workingDir = s.workingDir;
  const probe = s.readinessProbe?.type ?? "tcp";
  const timing = { initialDelaySeconds: 10, periodSeconds: 5, successThreshold: 5 };
  if (probe === "tcp") c.readinessProbe = { tcpSocket: { port }, ...timing };
  if (probe === "http") c.readinessProbe = { httpGet: { path: s.urlPath ?? "/", port }, ...timing };
  return c;
}

/** The proxy containers and their volume, or the render error of auth.go:22-25. */
function authContainers(
  spec: AmsSpec,
): { containers: Container[]; volumes: Obj[] } | { error: string } {
  const auth = spec.authentication;
  if (!auth || !authEnabled(spec)) return { containers: [], volumes: [] };
  if (auth.type !== "oidc" && !auth.secretRef.key)
    return {
      error: `the authentication secret key has to be defined when using ${auth.type} authentication`,
    };
  const port = spec.session.port ?? 8000;
  const extraMounts = auth.extraVolumeMounts ?? [];
  const volumes: Obj[] = [
    { name: "amalthea-proxy-configuration-secret", secret: { secretName: auth.secretRef.name } },
  ];
  const health = (path: string, p: number) => ({ httpGet: { path, port: p } });
  const authproxyPort = auth.type === "token" ? 65535 : 65533;
  const env: Obj[] = [
    { name: "AUTHPROXY_PORT", value: String(authproxyPort) },
    { name: "AUTHPROXY_META_PORT", value: "65534" },
    { name: "AUTHPROXY_REMOTE", value: `http://127.0.0.1:${port}` },
  ];
  if (spec.session.stripURLPath) {
    const path = spec.session.urlPath ?? "/";
    env.push({
      name: "AUTHPROXY_STRIP_PATH_PREFIX",
      value: path.endsWith("/") ? path : `${path}/`,
    });
  }
  const authproxy: Container = {
    name: "authproxy",
    image: SIDECARS_IMAGE,
    args:
      auth.type === "token"
        ? ["proxy", "serve", "--config", `/etc/authproxy/${auth.secretRef.key}`]
        : ["proxy", "serve", "--verbose"],
    env,
    readinessProbe: health("/__amalthea__/health", authproxyPort),
    livenessProbe: health("/__amalthea__/health", authproxyPort),
    securityContext: { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true },
  };
  if (auth.type === "token")
    authproxy.volumeMounts = [
      { name: "amalthea-proxy-configuration-secret", mountPath: "/etc/authproxy" },
      ...extraMounts,
    ];
  if (auth.type === "token") return { containers: [authproxy], volumes };
  const oauth2: Container = {
    name: "oauth2-proxy",
    image: OAUTH2_PROXY_IMAGE,
    args:
      auth.type === "oauth2proxy"
        ? [
            "--upstream=http://127.0.0.1:65533",
            "--http-address=:65535",
            "--silence-ping-logging",
            `--config=/etc/oauth2-proxy/${auth.secretRef.key}`,
            "--cookie-samesite=strict",
          ]
        : [
            "--alpha-config=/etc/oauth2-proxy/oauth2-proxy-alpha-config.yaml",
            "--config=/etc/oauth2-proxy/oauth2-proxy-config.yaml",
          ],
    volumeMounts: [
      { name: "amalthea-proxy-configuration-secret", mountPath: "/etc/oauth2-proxy" },
      ...extraMounts,
    ],
    readinessProbe: health("/ping", 65535),
    livenessProbe: health("/ping", 65535),
    resources: { requests: { cpu: "20m", memory: "16Mi" }, limits: { memory: "32Mi" } },
  };
  if (auth.type === "oidc") oauth2.envFrom = [{ secretRef: { name: auth.secretRef.name } }];
  return { containers: [oauth2, authproxy], volumes };
}

export interface Rendered {
  statefulset: Obj;
  service: Obj;
  ingress?: Obj;
  pvc: Obj;
  dataSourcePvcs: Obj[];
  secret: Obj;
}

/** All children of `cr`, or the error that stops the reconcile before any child is written. */
export function renderChildren(cr: KObject, runID: string): Rendered | { error: string } {
  const name = cr.metadata.name;
  const spec = specOf(cr);
  const s = spec.session;
  const tmplMeta = spec.template?.metadata ?? {};
  // On a key clash the selector labels win (ch.go:462-469).
  const labels = { ...(tmplMeta.labels ?? {}), ...selectorLabels(name) };
  const annotations = { ...(tmplMeta.annotations ?? {}) };
  const meta = (childName: string, extraAnnotations: Record<string, string> = {}) => ({
    name: childName,
    labels: { ...labels },
    annotations: { ...annotations, ...extraAnnotations },
    ownerReferences: [
      {
        apiVersion: cr.apiVersion,
        kind: cr.kind,
        name,
        uid: cr.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  });
  // Jobs and HPC tunnels are outside this simulator (docs/local-cluster.md).
  if (spec.sessionType === "NonInteractive" || spec.location === "remote")
    return { error: "NonInteractive and remote sessions are not simulated" };
  const auth = authContainers(spec);
  if ("error" in auth) return auth;

  const mountPath = s.storage?.mountPath ?? "/workspace";
  const clone = cloneContainers(spec, mountPath);
  const dsPvcs: Obj[] = [];
  const dsVolumes: Obj[] = [];
  const dsMounts: Obj[] = [];
  for (const [i, ds] of (spec.dataSources ?? []).entries()) {
    const pvcName = `amalthea-${name}-ds-${i}`;
    const accessMode = ds.accessMode ?? "ReadOnlyMany";
    dsPvcs.push({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: meta(pvcName, { "csi-rclone.dev/secretName": ds.secretRef?.name ?? "" }),
      spec: {
        accessModes: [accessMode],
        resources: { requests: { storage: "1Gi" } },
        storageClassName: RCLONE_STORAGE_CLASS,
      },
    });
    dsVolumes.push({ name: pvcName, persistentVolumeClaim: { claimName: pvcName } });
    dsMounts.push({
      name: pvcName,
      mountPath: ds.mountPath ?? "data",
      readOnly: accessMode === "ReadOnlyMany",
    });
  }
  const volumes: Obj[] = [{ name: "amalthea-volume", persistentVolumeClaim: { claimName: name } }];
  if (s.shmSize !== undefined)
    volumes.push({
      name: "amalthea-dev-shm",
      emptyDir: { medium: "Memory", sizeLimit: s.shmSize },
    });
  volumes.push(...clone.volumes, ...(spec.extraVolumes ?? []), ...dsVolumes, ...auth.volumes);

  const podSpec: Obj = {
    enableServiceLinks: false,
    automountServiceAccountToken: false,
    securityContext: { fsGroup: s.runAsGroup ?? 1000 },
    initContainers: [...clone.init, ...(spec.initContainers ?? [])],
    containers: [
      sessionContainer(spec, dsMounts),
      ...auth.containers,
      ...(spec.extraContainers ?? []),
    ],
    volumes,
  };
  for (const key of [
    "serviceAccountName",
    "tolerations",
    "nodeSelector",
    "affinity",
    "priorityClassName",
  ] as const)
    if (spec[key] !== undefined) podSpec[key] = structuredClone(spec[key]);
  if (spec.imagePullSecrets?.length)
    podSpec.imagePullSecrets = spec.imagePullSecrets.map((p) => ({ name: p.name }));

  const runAnnotations = { "renku.io/run_id": runID, "renku.io/session_uid": cr.metadata.uid };
  const statefulset = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: meta(name, runAnnotations),
    spec: {
      replicas: spec.hibernated ? 0 : 1,
      podManagementPolicy: "Parallel",
      selector: { matchLabels: selectorLabels(name) },
      template: {
        metadata: { labels: { ...labels }, annotations: { ...annotations, ...runAnnotations } },
        spec: podSpec,
      },
    },
  };
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(name),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(name),
      ports: [
        {
          name: "amalthea-http",
          protocol: "TCP",
          port: 80,
          targetPort: authEnabled(spec) ? 65535 : (s.port ?? 8000),
        },
        { name: "amalthea-http-meta", protocol: "TCP", port: 65534, targetPort: 65534 },
      ],
    },
  };
  let ingress: Obj | undefined;
  if (spec.ingress) {
    const ing = spec.ingress;
    const prefix = ing.pathPrefix ?? "/";
    const ingSpec: Obj = {
      rules: [
        {
          host: ing.host,
          http: {
            paths: [
              {
                path: prefix.endsWith("/") ? prefix : `${prefix}/`,
                pathType: "Prefix",
                backend: { service: { name, port: { name: "amalthea-http" } } },
              },
            ],
          },
        },
      ],
    };
    if (ing.ingressClassName) ingSpec.ingressClassName = ing.ingressClassName;
    if (ing.tlsSecret?.name) ingSpec.tls = [{ hosts: [ing.host], secretName: ing.tlsSecret.name }];
    else if (ing.useDefaultClusterTLSCert) ingSpec.tls = [{}];
    ingress = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: meta(name, ing.annotations ?? {}),
      spec: ingSpec,
    };
  }
  const pvcSpec: Obj = {
    accessModes: ["ReadWriteOnce"],
    resources: { requests: { storage: s.storage?.size ?? "1Gi" } },
  };
  if (s.storage?.className) pvcSpec.storageClassName = s.storage.className;
  const pvc = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: meta(name),
    spec: pvcSpec,
  };
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(`${name}---internal`),
    type: "Opaque",
    data: {},
  };
  const out: Rendered = { statefulset, service, pvc, dataSourcePvcs: dsPvcs, secret };
  if (ingress) out.ingress = ingress;
  return out;
}

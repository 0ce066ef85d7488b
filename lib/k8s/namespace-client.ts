/**
 * The client of the one sessions namespace (D13), over HTTP with @kubernetes/client-node's
 * KubeConfig (kube-client.ts): one kind of custom object (the sessions' resource, see forResource),
 * pods, their logs and events, StatefulSets, Secrets and ConfigMaps. Expected outcomes (404,
 * 409) come back as values; everything else as AppErrors (see api-errors.ts).
 */
import type {
  CoreV1Event,
  V1ConfigMap,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Secret,
  V1StatefulSet,
} from "@kubernetes/client-node/dist/gen/index.js";
import type { Config } from "../config/schema.js";
import type { Logger } from "../obs/log.js";
import { isLabelValue } from "../util/labels.js";
import { apiStatusCode, ConflictError, translateK8sError } from "./api-errors.js";
import type { ClusterAccess, K8sApis } from "./cluster.js";
import {
  JSON_PATCH,
  type JsonPatchOp,
  type KubeRequest,
  kubePath,
  MERGE_PATCH,
} from "./kube-client.js";

/** The least a custom object has; both sessions' resources fit it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; resourceVersion?: string };
}

export type CreateResult<S> =
  | { created: true; server: S }
  /** 409: a server of that name exists (a concurrent identical POST); `existing` is its current state. */
  | { created: false; reason: "AlreadyExists"; existing: S | undefined };

export interface ConfigMapData {
  data: Record<string, string>;
  resourceVersion: string;
}

export interface NamespaceClient<S extends KubeObject = KubeObject> {
  /**
   * The user's custom objects, by the label `renku.io/safe-username` (D12). `cached`: from the API
   * server's watch cache (resourceVersion=0), possibly a moment old; else a consistent read.
   */
  listForUser(safeUsername: string, opts?: ListOptions): Promise<S[]>;
  /** All custom objects matching a label selector (scheduled jobs). */
  list(labelSelector?: string, opts?: ListOptions): Promise<S[]>;
  get(name: string): Promise<S | undefined>;
  create(manifest: S): Promise<CreateResult<S>>;
  /** false when there was nothing to delete. Foreground propagation; forced -> grace period 0. */
  delete(name: string, opts?: { forced?: boolean }): Promise<boolean>;
  /** undefined when the server does not exist. */
  patchJson(name: string, ops: JsonPatchOp[]): Promise<S | undefined>;
  patchMerge(name: string, body: Record<string, unknown>): Promise<S | undefined>;
  getStatefulSet(name: string): Promise<V1StatefulSet | undefined>;
  /** StatefulSets matching a label selector, read consistently (many sessions' in one call). */
  listStatefulSets(labelSelector: string): Promise<V1StatefulSet[]>;
  /** A missing StatefulSet is ignored (undefined), as the reference did. */
  patchStatefulSetJson(name: string, ops: JsonPatchOp[]): Promise<V1StatefulSet | undefined>;
  getPod(name: string): Promise<V1Pod | undefined>;
  /** The session's volume claim, read for its uid only (events belong to objects by uid). */
  getPersistentVolumeClaim(name: string): Promise<V1PersistentVolumeClaim | undefined>;
  /** Pods matching a label selector (the sessions' pods carry their owner's label). */
  listPods(labelSelector: string, opts?: ListOptions): Promise<V1Pod[]>;
  /** undefined when the pod or container is missing or the container has not started (400). */
  readLogs(
    pod: string,
    container: string,
    opts?: { tailLines?: number; timestamps?: boolean; limitBytes?: number },
  ): Promise<string | undefined>;
  /** Events about one object (by involvedObject.name), oldest first as the API returns them. */
  listEvents(involvedObjectName: string): Promise<CoreV1Event[]>;
  /** The namespace's events matching a field selector (many objects' in one call). */
  listEventsMatching(fieldSelector: string): Promise<CoreV1Event[]>;
  getSecret(name: string): Promise<V1Secret | undefined>;
  /** Creates a Secret; false when one of that name exists. */
  createSecret(secret: V1Secret & { metadata: { name: string } }): Promise<boolean>;
  /** Replaces an existing Secret at the version read; false when it is gone or a writer raced it. */
  overwriteSecret(secret: V1Secret & { metadata: { name: string } }): Promise<boolean>;
  /** Replaces the whole Secret; pass metadata.resourceVersion to guard against lost updates (409 -> ConflictError). */
  replaceSecret(name: string, secret: V1Secret): Promise<V1Secret | undefined>;
  deleteSecret(name: string): Promise<boolean>;
  getConfigMap(name: string): Promise<ConfigMapData | undefined>;
  /** ConfigMaps by label selector, read consistently (the quota places). */
  listConfigMaps(labelSelector: string): Promise<V1ConfigMap[]>;
  /** Creates a ConfigMap; undefined when one of that name exists (409). */
  createConfigMap(
    cm: V1ConfigMap & { metadata: { name: string } },
  ): Promise<V1ConfigMap | undefined>;
  /** Replaces it at its metadata.resourceVersion; undefined when it changed or went. */
  replaceConfigMap(
    cm: V1ConfigMap & { metadata: { name: string } },
  ): Promise<V1ConfigMap | undefined>;
  /** Deletes it at that resourceVersion; false when it changed or went. */
  deleteConfigMap(name: string, resourceVersion: string): Promise<boolean>;
  /** Deletes every ConfigMap the selector matches (one deletecollection). */
  deleteConfigMaps(labelSelector: string): Promise<void>;
  /**
   * POSTs JSON to a Service in the namespace through the API server's service proxy
   * (`services/proxy`), with its own timeout; the parsed answer.
   */
  postServiceProxy<T>(
    service: string,
    port: string,
    path: string,
    body: unknown,
    timeoutMs: number,
  ): Promise<T>;
  /**
   * The same through the pod proxy (`pods/proxy`), to a container port of pod `pod` (a number:
   * the API server does not resolve a pod's named ports).
   */
  postPodProxy<T>(
    pod: string,
    port: number,
    path: string,
    body: unknown,
    timeoutMs: number,
  ): Promise<T>;
  /**
   * Writes a ConfigMap's data: creates it when resourceVersion is undefined, otherwise replaces it
   * at that version. Losing the race either way throws ConflictError.
   */
  putConfigMap(
    name: string,
    data: Record<string, string>,
    resourceVersion: string | undefined,
  ): Promise<ConfigMapData>;
  /** The same client for another custom resource (one cluster access, one token). */
  forResource<T extends KubeObject>(crd: CustomResource): NamespaceClient<T>;
}

export interface ListOptions {
  /** Served from the watch cache (resourceVersion=0): for answers a second's staleness cannot hurt. */
  cached?: boolean | undefined;
}

/** resourceVersion=0: any version the API server holds, from its watch cache. */
const versionQuery = (opts?: ListOptions) => (opts?.cached ? { resourceVersion: "0" } : {});

export interface CustomResource {
  group: string;
  version: string;
  plural: string;
}

export interface NamespaceClientOptions {
  access: ClusterAccess;
  config: Pick<Config, "k8s" | "amalthea" | "upstream_timeout_ms">;
  log: Logger;
}

type NamedSecret = V1Secret & { metadata: { name: string } };

/** A Secret as sent: stringData encoded here, so a replace carries the whole data. */
function secretBody(secret: NamedSecret): V1Secret {
  const { stringData, ...rest } = secret;
  const encoded = Object.fromEntries(
    Object.entries(stringData ?? {}).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
  );
  return {
    apiVersion: "v1",
    kind: "Secret",
    ...rest,
    data: { ...(secret.data ?? {}), ...encoded },
  };
}

export function createNamespaceClient<S extends KubeObject = KubeObject>(
  opts: NamespaceClientOptions & { resource?: CustomResource },
): NamespaceClient<S> {
  const { access, log } = opts;
  const namespace = opts.config.k8s.namespace;
  const crd = opts.resource ?? opts.config.amalthea;
  const timeoutMs = opts.config.upstream_timeout_ms;
  const servers = kubePath`/apis/${crd.group}/${crd.version}/namespaces/${namespace}/${crd.plural}`;
  const server = (name: string) => `${servers}/${encodeURIComponent(name)}`;
  const core = kubePath`/api/v1/namespaces/${namespace}`;
  const coreObject = (resource: string, name: string) =>
    `${core}/${resource}/${encodeURIComponent(name)}`;
  const statefulSets = kubePath`/apis/apps/v1/namespaces/${namespace}/statefulsets`;
  const statefulSet = (name: string) => `${statefulSets}/${encodeURIComponent(name)}`;
  /** One REST call with the service's timeout. */
  const send =
    <T>(req: Omit<KubeRequest, "timeoutMs">) =>
    (api: K8sApis) =>
      api.request<T>({ ...req, timeoutMs });

  /** Runs one call; `expected` maps an HTTP status to a value instead of an error. */
  async function call<T, E = never>(
    op: string,
    fn: (apis: K8sApis) => Promise<T>,
    expected: Partial<Record<number, () => E>> = {},
  ): Promise<T | E> {
    try {
      const apis = await access.apis();
      return await fn(apis);
    } catch (err) {
      const code = apiStatusCode(err);
      const handle = code === undefined ? undefined : expected[code];
      if (handle) return handle();
      throw translateK8sError(err, {
        op,
        cluster: access.label,
        connectionHint: access.connectionHint,
        log,
        onUnauthorized: () => access.invalidate(),
      });
    }
  }
  const none = () => undefined;

  const list = async (labelSelector?: string, opts?: ListOptions): Promise<S[]> => {
    const res = await call(
      `list ${crd.plural}`,
      send<{ items?: S[] }>({
        method: "GET",
        path: servers,
        query: { labelSelector, ...versionQuery(opts) },
      }),
    );
    return res.items ?? [];
  };

  const listEventsMatching = async (fieldSelector: string): Promise<CoreV1Event[]> => {
    const res = await call(
      `list events`,
      send<{ items?: CoreV1Event[] }>({
        method: "GET",
        path: `${core}/events`,
        query: { fieldSelector },
      }),
    );
    return res.items ?? [];
  };

  const get = (name: string): Promise<S | undefined> =>
    call(`get ${crd.plural}/${name}`, send<S>({ method: "GET", path: server(name) }), {
      404: none,
    });

  const putConfigMap = async (
    name: string,
    data: Record<string, string>,
    resourceVersion: string | undefined,
  ): Promise<ConfigMapData> => {
    const body: V1ConfigMap = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name,
        namespace,
        labels: { "app.kubernetes.io/managed-by": "renku-notebooks" },
        ...(resourceVersion === undefined ? {} : { resourceVersion }),
      },
      data,
    };
    const lost = (): never => {
      throw new ConflictError(`configmap ${name}`);
    };
    const written =
      resourceVersion === undefined
        ? await call(
            `create configmaps/${name}`,
            send<V1ConfigMap>({ method: "POST", path: `${core}/configmaps`, body }),
            { 409: lost },
          )
        : await call(
            `update configmaps/${name}`,
            send<V1ConfigMap>({ method: "PUT", path: coreObject("configmaps", name), body }),
            // 404: deleted since it was read; that is a lost race too.
            { 409: lost, 404: lost },
          );
    return { data: written.data ?? {}, resourceVersion: written.metadata?.resourceVersion ?? "" };
  };

  return {
    list,
    // A safe username that is no valid label value (escaped leading/trailing character, > 63
    // characters) cannot label any session; asking the API would be a 400 selector error.
    listForUser: async (safeUsername, opts) =>
      isLabelValue(safeUsername) ? list(`renku.io/safe-username=${safeUsername}`, opts) : [],
    get,

    async create(manifest) {
      const name = manifest.metadata.name;
      const result = await call(
        `create ${crd.plural}/${name}`,
        async (api) =>
          ({
            created: true,
            server: await send<S>({ method: "POST", path: servers, body: manifest })(api),
          }) as const,
        { 409: () => undefined },
      );
      if (result) return result;
      return { created: false, reason: "AlreadyExists", existing: await get(name) };
    },

    async delete(name, opts = {}) {
      const gracePeriodSeconds = opts.forced ? 0 : undefined;
      const propagationPolicy = "Foreground";
      const done = await call(
        `delete ${crd.plural}/${name}`,
        async (api) => {
          await send({
            method: "DELETE",
            path: server(name),
            query: { gracePeriodSeconds, propagationPolicy },
            body: { propagationPolicy, gracePeriodSeconds },
          })(api);
          return true;
        },
        { 404: () => false },
      );
      return done;
    },

    patchJson: (name, ops) =>
      call(
        `patch ${crd.plural}/${name}`,
        send<S>({ method: "PATCH", path: server(name), body: ops, contentType: JSON_PATCH }),
        { 404: none },
      ),

    patchMerge: (name, body) =>
      call(
        `patch ${crd.plural}/${name}`,
        send<S>({ method: "PATCH", path: server(name), body, contentType: MERGE_PATCH }),
        { 404: none },
      ),

    getStatefulSet: (name) =>
      call(
        `get statefulsets/${name}`,
        send<V1StatefulSet>({ method: "GET", path: statefulSet(name) }),
        { 404: none },
      ),

    async listStatefulSets(labelSelector) {
      const res = await call(
        `list statefulsets`,
        send<{ items?: V1StatefulSet[] }>({
          method: "GET",
          path: statefulSets,
          query: { labelSelector },
        }),
      );
      return res.items ?? [];
    },

    patchStatefulSetJson: (name, ops) =>
      call(
        `patch statefulsets/${name}`,
        send<V1StatefulSet>({
          method: "PATCH",
          path: statefulSet(name),
          body: ops,
          contentType: JSON_PATCH,
        }),
        { 404: none },
      ),

    getPod: (name) =>
      call(`get pods/${name}`, send<V1Pod>({ method: "GET", path: coreObject("pods", name) }), {
        404: none,
      }),

    getPersistentVolumeClaim: (name) =>
      call(
        `get persistentvolumeclaims/${name}`,
        send<V1PersistentVolumeClaim>({
          method: "GET",
          path: coreObject("persistentvolumeclaims", name),
        }),
        { 404: none },
      ),

    async listPods(labelSelector, opts) {
      const res = await call(
        `list pods`,
        send<{ items?: V1Pod[] }>({
          method: "GET",
          path: `${core}/pods`,
          query: { labelSelector, ...versionQuery(opts) },
        }),
      );
      return res.items ?? [];
    },

    readLogs: (pod, container, o = {}) =>
      call(
        `get pods/${pod}/log`,
        send<string>({
          method: "GET",
          path: `${coreObject("pods", pod)}/log`,
          query: {
            container,
            tailLines: o.tailLines,
            timestamps: o.timestamps ?? true,
            limitBytes: o.limitBytes,
          },
        }),
        { 404: none, 400: none },
      ),

    listEvents: (involvedObjectName) =>
      listEventsMatching(`involvedObject.name=${involvedObjectName}`),
    listEventsMatching,

    getSecret: (name) =>
      call(
        `get secrets/${name}`,
        send<V1Secret>({ method: "GET", path: coreObject("secrets", name) }),
        { 404: none },
      ),

    replaceSecret: (name, secret) =>
      call(
        `update secrets/${name}`,
        send<V1Secret>({ method: "PUT", path: coreObject("secrets", name), body: secret }),
        {
          404: none,
          409: () => {
            throw new ConflictError(`secret ${name}`);
          },
        },
      ),

    async createSecret(secret) {
      const name = secret.metadata.name;
      return call(
        `create secrets/${name}`,
        async (api) => {
          await send({ method: "POST", path: `${core}/secrets`, body: secretBody(secret) })(api);
          return true;
        },
        { 409: () => false },
      );
    },

    async overwriteSecret(secret) {
      const name = secret.metadata.name;
      const current = await call(
        `get secrets/${name}`,
        send<V1Secret>({ method: "GET", path: coreObject("secrets", name) }),
        { 404: none },
      );
      if (!current) return false;
      const body = secretBody(secret);
      const resourceVersion = current.metadata?.resourceVersion;
      return call(
        `update secrets/${name}`,
        async (api) => {
          await send({
            method: "PUT",
            path: coreObject("secrets", name),
            body: { ...body, metadata: { ...body.metadata, resourceVersion } },
          })(api);
          return true;
        },
        // Someone else wrote it (or removed it) since the read: theirs stands.
        { 409: () => false, 404: () => false },
      );
    },

    deleteSecret: (name) =>
      call(
        `delete secrets/${name}`,
        async (api) => {
          await send({ method: "DELETE", path: coreObject("secrets", name) })(api);
          return true;
        },
        { 404: () => false },
      ),

    async getConfigMap(name) {
      const cm = await call(
        `get configmaps/${name}`,
        send<V1ConfigMap>({ method: "GET", path: coreObject("configmaps", name) }),
        { 404: none },
      );
      if (!cm) return undefined;
      return { data: cm.data ?? {}, resourceVersion: cm.metadata?.resourceVersion ?? "" };
    },

    putConfigMap,

    async listConfigMaps(labelSelector) {
      const res = await call(
        "list configmaps",
        send<{ items?: V1ConfigMap[] }>({
          method: "GET",
          path: `${core}/configmaps`,
          query: { labelSelector },
        }),
      );
      return res.items ?? [];
    },

    createConfigMap: (cm) =>
      call(
        `create configmaps/${cm.metadata.name}`,
        send<V1ConfigMap>({ method: "POST", path: `${core}/configmaps`, body: cm }),
        { 409: none },
      ),

    replaceConfigMap: (cm) =>
      call(
        `update configmaps/${cm.metadata.name}`,
        send<V1ConfigMap>({
          method: "PUT",
          path: coreObject("configmaps", cm.metadata.name),
          body: cm,
        }),
        { 409: none, 404: none },
      ),

    deleteConfigMap: (name, resourceVersion) =>
      call(
        `delete configmaps/${name}`,
        async (api) => {
          await send({
            method: "DELETE",
            path: coreObject("configmaps", name),
            body: { preconditions: { resourceVersion } },
          })(api);
          return true;
        },
        { 409: () => false, 404: () => false },
      ),

    async deleteConfigMaps(labelSelector) {
      await call(
        "deletecollection configmaps",
        send({ method: "DELETE", path: `${core}/configmaps`, query: { labelSelector } }),
      );
    },

    forResource: <T extends KubeObject>(resource: CustomResource) =>
      createNamespaceClient<T>({ ...opts, resource }),

    postServiceProxy: <T>(
      service: string,
      port: string,
      path: string,
      body: unknown,
      proxyTimeoutMs: number,
    ) => postProxy<T>("services", service, port, path, body, proxyTimeoutMs),

    postPodProxy: <T>(pod: string, port: number, path: string, body: unknown, ms: number) =>
      postProxy<T>("pods", pod, String(port), path, body, ms),
  };

  function postProxy<T>(
    resource: "services" | "pods",
    name: string,
    port: string,
    path: string,
    body: unknown,
    proxyTimeoutMs: number,
  ): Promise<T> {
    return call(`create ${resource}/${name}/proxy`, (api) =>
      api.request<T>({
        method: "POST",
        // `name:port` as client-go writes it: the colon stays unescaped.
        path: `${coreObject(resource, name)}:${encodeURIComponent(port)}/proxy/${path.replace(/^\/+/, "")}`,
        body,
        // The caller bounds a proxied call: a sidecar's autosave before a stop may take minutes (D24).
        timeoutMs: proxyTimeoutMs,
      }),
    );
  }
}

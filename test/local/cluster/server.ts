/** The HTTP front: routing, body parsing, content negotiation, watch, faults and request recording. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { podPortAnswer } from "./amalthea/pod-port.js";
import type { AmaltheaSimulator } from "./amalthea/simulator.js";
import type { AmaltheaSessionSimulator } from "./amaltheasession/simulator.js";
import { hasStatusSubresource, type KubeApi, type PropagationPolicy } from "./api.js";
import * as discovery from "./discovery.js";
import type { FaultInjector } from "./http-faults.js";
import { listVersion } from "./list-version.js";
import { podLogs } from "./logs.js";
import { optionBool, parseBool } from "./query.js";
import { route } from "./router.js";
import { parseFieldSelector, parseLabelSelector } from "./selectors.js";
import { ingressAnswer } from "./session-http.js";
import {
  badRequest,
  injectedConflict,
  internalError,
  KubeError,
  methodNotAllowed,
  pathNotFound,
  type StatusBody,
  serviceUnavailable,
  tooManyRequests,
} from "./status.js";
import { toTable } from "./table.js";
import type { KObject, RecordedRequest, ResourceDef } from "./types.js";

export interface ServerContext {
  api: KubeApi;
  sim: AmaltheaSimulator;
  /** The AmaltheaSession operator, when the cluster runs one. */
  sessions?: AmaltheaSessionSimulator;
  faults: FaultInjector;
  requests: RecordedRequest[];
  /** Called after each successful mutation (instant timing settles the simulation here). */
  afterWrite: () => void;
  /** Open watch streams, closed on stop. */
  watches: Set<ServerResponse>;
  serverAddress: () => string;
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = "application/json",
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(code, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function sendStatus(res: ServerResponse, err: KubeError): void {
  const headers: Record<string, string> = {};
  if (err.body.details?.retryAfterSeconds)
    headers["Retry-After"] = String(err.body.details.retryAfterSeconds);
  const text = JSON.stringify(err.body);
  res.writeHead(err.code, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

function intParam(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${key}: ${v}`);
  return n;
}

function verbOf(method: string, name: string | undefined, q: URLSearchParams): string {
  switch (method) {
    case "GET":
      return name ? "get" : optionBool(q, "watch") ? "watch" : "list";
    case "POST":
      return name ? "unsupported" : "create";
    case "PUT":
      return name ? "update" : "unsupported";
    case "PATCH":
      return name ? "patch" : "unsupported";
    case "DELETE":
      return name ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}

async function applyFault(
  kind: string,
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultInjector,
): Promise<boolean> {
  switch (kind) {
    case "500":
      sendStatus(res, internalError("injected fault"));
      return true;
    case "503":
      sendStatus(res, serviceUnavailable());
      return true;
    case "429":
      sendStatus(res, tooManyRequests());
      return true;
    case "409":
      sendStatus(res, injectedConflict());
      return true;
    case "reset":
      req.socket.destroy();
      return true;
    case "stall":
      // Never answer; the socket closes when the client gives up, the test cuts it or the
      // cluster stops.
      faults.hold(req.socket);
      return true;
    default:
      return false;
  }
}

/** A proxied request's body: JSON when it parses, else the text. */
function parseProxyBody(rawBody: string | undefined): unknown {
  try {
    return rawBody ? JSON.parse(rawBody) : undefined;
  } catch {
    return rawBody;
  }
}

function proxyVerb(method: string): string {
  const verbs: Record<string, string> = {
    GET: "get",
    POST: "create",
    PUT: "update",
    PATCH: "patch",
    DELETE: "delete",
  };
  return verbs[method] ?? method.toLowerCase();
}

/** Every API request (failed and faulted ones too), for RBAC checks and retry counting. */
function record(ctx: ServerContext, method: string, url: URL): RecordedRequest | undefined {
  const r = route(url.pathname);
  if (r.kind !== "object") return undefined;
  const rec: RecordedRequest = {
    method,
    path: url.pathname,
    // A proxied request's verb is the HTTP method's (RBAC: create on services/proxy for POST).
    verb: r.subresource === "proxy" ? proxyVerb(method) : verbOf(method, r.name, url.searchParams),
    group: r.group,
    resource: r.resource,
  };
  if (r.subresource) rec.subresource = r.subresource;
  if (url.search) rec.query = url.search.slice(1);
  if (r.namespace) rec.namespace = r.namespace;
  if (r.name) rec.name = r.name;
  ctx.requests.push(rec);
  return rec;
}

export function handler(ctx: ServerContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://local");
    const method = (req.method ?? "GET").toUpperCase();
    const rec = record(ctx, method, url);
    // A connection closed before the whole answer went out: the client gave up, or a fault cut it.
    res.on("close", () => {
      if (rec && !res.writableFinished) rec.unanswered = true;
    });
    const fault = ctx.faults.take(method, url.pathname + url.search);
    if (fault && (await applyFault(fault, req, res, ctx.faults))) return;
    const drop = fault === "drop-answer";
    let slow = fault === "slow-body";
    const pretty = parseBool(url.searchParams.get("pretty"));
    const respond = (code: number, raw: unknown, ct?: string) => {
      if (drop) return void req.socket.destroy();
      // `pretty` indents JSON bodies as json.Indent does; logs are text and stay as they are.
      const body = pretty && typeof raw !== "string" ? JSON.stringify(raw, null, 2) : raw;
      if (!slow) return send(res, code, body, ct);
      slow = false;
      const text = typeof body === "string" ? body : JSON.stringify(body);
      res.writeHead(code, {
        "Content-Type": ct ?? "application/json",
        "Content-Length": Buffer.byteLength(text),
      });
      const half = Math.floor(text.length / 2);
      res.write(text.slice(0, half));
      setTimeout(() => res.end(text.slice(half)), 300).unref();
    };
    try {
      const body = await readBody(req);
      await serve(ctx, req, res, method, url, body, respond);
    } catch (err) {
      if (drop) req.socket.destroy();
      else if (err instanceof KubeError) sendStatus(res, err);
      else sendStatus(res, internalError(err instanceof Error ? err.message : String(err)));
    }
  };
}

async function serve(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  url: URL,
  rawBody: string,
  respond: (code: number, body: unknown, ct?: string) => void,
): Promise<void> {
  // The sessions' ingress host is served here too: `/sessions/<name>/…` is no API server path.
  if (url.pathname.startsWith("/sessions/"))
    return serveSessionPath(ctx, req, res, method, url, rawBody);
  const r = route(url.pathname);
  const q = url.searchParams;
  const discoveryDoc = (doc: object | undefined) => {
    if (method !== "GET") throw methodNotAllowed(method);
    if (!doc) throw pathNotFound();
    respond(200, doc);
  };
  if (url.pathname === "/openapi/v3") return discoveryDoc(discovery.openapiV3Root());
  if (url.pathname.startsWith("/openapi/v3/"))
    return discoveryDoc(discovery.openapiV3GroupVersion(url.pathname.slice("/openapi/v3/".length)));
  switch (r.kind) {
    case "version":
      return discoveryDoc(discovery.version());
    case "api":
      return discoveryDoc(discovery.coreVersions(ctx.serverAddress()));
    case "apis":
      return discoveryDoc(discovery.groupList());
    case "group":
      return discoveryDoc(discovery.group(r.group));
    case "resources":
      return discoveryDoc(discovery.resourceList(r.group, r.version));
    case "unknown":
      throw pathNotFound();
  }
  const def = ctx.api.resource(r.group, r.version, r.resource);
  if (!def) throw pathNotFound();
  const verb = verbOf(method, r.name, q);

  // A namespaced path for a cluster-scoped kind (or the reverse for a single object) does not exist.
  if (!def.namespaced && r.namespace) throw pathNotFound();
  const ns = def.namespaced ? r.namespace : undefined;
  if (def.namespaced && !r.namespace && r.name) throw pathNotFound();

  if (r.subresource) {
    if (def.resource === "pods" && r.subresource === "log" && method === "GET" && r.name) {
      const pod = ctx.api.get(def, ns, r.name);
      const model = ctx.sim.logs(ns ?? "", r.name) ?? ctx.sessions?.logs(ns ?? "", r.name);
      const text = podLogs(pod, model, {
        container: q.get("container") ?? undefined,
        tailLines: intParam(q, "tailLines"),
        timestamps: optionBool(q, "timestamps"),
        previous: optionBool(q, "previous"),
        limitBytes: intParam(q, "limitBytes"),
      });
      return respond(200, text, "text/plain");
    }
    if (r.subresource === "status" && hasStatusSubresource(def) && r.name)
      return serveStatus(ctx, req, method, def, ns, r.name, rawBody, respond);
    if (def.resource === "pods" && r.subresource === "proxy" && r.name) {
      // `<pod>:<port>`: a pod's proxy takes the port number (named ports are not resolved).
      const [podName = "", port = "80"] = r.name.split(":");
      const pod = ctx.api.get(def, ns, podName);
      const session = podName.replace(/-0$/, "");
      const body = parseProxyBody(rawBody);
      const rpc = body as { method?: unknown; id?: unknown } | undefined;
      // The sidecar's autosave takes its (simulated) time: the answer comes when it has pushed.
      const workload = ctx.sim.logs(ns ?? "", podName) ? ctx.sim.workload : ctx.sessions?.workload;
      const out =
        method === "POST" && rpc?.method === "autosave/create"
          ? pod.metadata.deletionTimestamp
            ? undefined
            : await workload?.rpcAutosave(
                ns ?? "",
                session,
                Number(port),
                r.proxyPath ?? "/",
                rpc.id,
              )
          : podPortAnswer(
              pod,
              ctx.sim.logs(ns ?? "", podName) ?? ctx.sessions?.logs(ns ?? "", podName),
              Number(port),
              { method, path: r.proxyPath ?? "/", body },
              ctx.sim.gitState(ns ?? "", session) ??
                ctx.sessions?.workload.gitState(ns ?? "", session),
            );
      if (!out)
        throw serviceUnavailable(
          `error trying to reach service: dial tcp 10.0.0.1:${port}: connect: connection refused`,
        );
      return typeof out.body === "string"
        ? respond(out.code, out.body, "text/plain")
        : respond(out.code, out.body);
    }
    if (def.resource === "services" && r.subresource === "proxy" && r.name) {
      const service = ctx.api.get(def, ns, r.name.split(":")[0] ?? "");
      const body = parseProxyBody(rawBody);
      const out = ctx.sim.serviceProxy(ns ?? "", service, method, r.proxyPath ?? "/", body);
      if (out.code === 503) throw serviceUnavailable(String(out.body));
      return typeof out.body === "string"
        ? respond(out.code, out.body, "text/plain")
        : respond(out.code, out.body);
    }
    throw pathNotFound();
  }

  const wantsTable = (req.headers.accept ?? "").includes("as=Table");
  const tableOf = (items: KObject[], meta: object) =>
    toTable(
      def,
      items,
      ctx.api.now(),
      ctx.api.crdFor(def).printerColumns,
      meta,
      q.get("includeObject") ?? "Metadata",
    );

  switch (verb) {
    case "get": {
      const obj = ctx.api.get(def, ns, r.name as string);
      return respond(
        200,
        wantsTable ? tableOf([obj], { resourceVersion: obj.metadata.resourceVersion }) : obj,
      );
    }
    case "list": {
      listVersion(q, ctx.api.store.currentResourceVersion());
      const result = ctx.api.list(def, {
        ...(ns ? { namespace: ns } : {}),
        labels: parseLabelSelector(q.get("labelSelector") ?? undefined),
        fields: parseFieldSelector(q.get("fieldSelector") ?? undefined, def.kind),
        ...(intParam(q, "limit") !== undefined ? { limit: intParam(q, "limit") } : {}),
        ...(q.get("continue") ? { continueToken: q.get("continue") as string } : {}),
      });
      const meta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
      if (result.continueToken) meta.continue = result.continueToken;
      if (result.remainingItemCount !== undefined)
        meta.remainingItemCount = result.remainingItemCount;
      if (wantsTable) return respond(200, tableOf(result.items, meta));
      return respond(200, {
        kind: `${def.kind}List`,
        apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
        metadata: meta,
        items: result.items,
      });
    }
    case "watch":
      return watch(ctx, def, ns, q, res);
    case "create": {
      const obj = ctx.api.create(def, ns, parseJson(rawBody));
      respond(201, obj);
      break;
    }
    case "update": {
      const obj = ctx.api.update(def, ns, r.name as string, parseJson(rawBody));
      respond(200, obj);
      break;
    }
    case "patch": {
      const obj = ctx.api.patch(
        def,
        ns,
        r.name as string,
        parseJson(rawBody),
        req.headers["content-type"] ?? "",
      );
      respond(200, obj);
      break;
    }
    case "delete": {
      const body = (parseJson(rawBody) ?? {}) as {
        gracePeriodSeconds?: number;
        propagationPolicy?: PropagationPolicy;
        preconditions?: { uid?: string; resourceVersion?: string };
      };
      const grace = intParam(q, "gracePeriodSeconds") ?? body.gracePeriodSeconds;
      const policy = (q.get("propagationPolicy") ?? body.propagationPolicy) as
        | PropagationPolicy
        | undefined;
      if (policy && !["Foreground", "Background", "Orphan"].includes(policy))
        throw badRequest(
          `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
        );
      const out = ctx.api.delete(def, ns, r.name as string, {
        ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
        ...(policy ? { propagationPolicy: policy } : {}),
        ...(body.preconditions ? { preconditions: body.preconditions } : {}),
      });
      respond(200, out.body);
      break;
    }
    case "deletecollection": {
      const result = ctx.api.list(def, {
        ...(ns ? { namespace: ns } : {}),
        labels: parseLabelSelector(q.get("labelSelector") ?? undefined),
        fields: parseFieldSelector(q.get("fieldSelector") ?? undefined, def.kind),
      });
      const grace = intParam(q, "gracePeriodSeconds");
      const policy = q.get("propagationPolicy") as PropagationPolicy | null;
      const items: unknown[] = [];
      for (const o of result.items) {
        const out = ctx.api.delete(def, o.metadata.namespace, o.metadata.name, {
          ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
          ...(policy ? { propagationPolicy: policy } : {}),
        });
        items.push((out.body as StatusBody).kind === "Status" ? o : out.body);
      }
      respond(200, {
        kind: `${def.kind}List`,
        apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
        metadata: { resourceVersion: ctx.api.store.currentResourceVersion() },
        items,
      });
      break;
    }
    default:
      throw methodNotAllowed(method, def);
  }
  if (MUTATING.has(method)) ctx.afterWrite();
}

/** GET, PUT and PATCH on a custom kind's /status subresource. */
function serveStatus(
  ctx: ServerContext,
  req: IncomingMessage,
  method: string,
  def: ResourceDef,
  ns: string | undefined,
  name: string,
  rawBody: string,
  respond: (code: number, body: unknown, ct?: string) => void,
): void {
  if (method === "GET") {
    respond(200, ctx.api.get(def, ns, name));
    return;
  }
  if (method === "PUT") respond(200, ctx.api.update(def, ns, name, parseJson(rawBody), "status"));
  else if (method === "PATCH")
    respond(
      200,
      ctx.api.patch(def, ns, name, parseJson(rawBody), req.headers["content-type"] ?? "", "status"),
    );
  else throw methodNotAllowed(method, def);
  ctx.afterWrite();
}

/** A watch stream: ADDED for what matches now, then changes, one JSON event per line. */
function watch(
  ctx: ServerContext,
  def: ResourceDef,
  ns: string | undefined,
  q: URLSearchParams,
  res: ServerResponse,
): void {
  const labels = parseLabelSelector(q.get("labelSelector") ?? undefined);
  const fields = parseFieldSelector(q.get("fieldSelector") ?? undefined, def.kind);
  res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
  res.flushHeaders(); // a watch with nothing to report yet must still answer
  const write = (type: string, obj: KObject) =>
    res.write(`${JSON.stringify({ type, object: obj })}\n`);
  const since = q.get("resourceVersion");
  if (!since || since === "0") {
    for (const o of ctx.api.list(def, { ...(ns ? { namespace: ns } : {}), labels, fields }).items)
      write("ADDED", o);
  }
  ctx.watches.add(res);
  const unsubscribe = ctx.api.store.subscribe((type, d, obj) => {
    if (d !== def || (ns && obj.metadata.namespace !== ns)) return;
    const matches = ctx.api.store.matches(obj, labels, fields);
    if (matches) write(type, structuredClone(obj));
  });
  const timeout = intParam(q, "timeoutSeconds");
  const close = () => {
    unsubscribe();
    ctx.watches.delete(res);
    if (!res.writableEnded) res.end();
  };
  if (timeout !== undefined) setTimeout(close, timeout * 1000).unref();
  res.on("close", close);
}

function serveSessionPath(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  url: URL,
  rawBody: string,
): void {
  const model = (ns: string, pod: string) => ctx.sim.logs(ns, pod) ?? ctx.sessions?.logs(ns, pod);
  const out = ingressAnswer(
    {
      api: ctx.api,
      model,
      gitState: (ns, name) =>
        ctx.sim.gitState(ns, name) ?? ctx.sessions?.workload.gitState(ns, name),
    },
    {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: parseProxyBody(rawBody),
    },
  );
  const text = typeof out.body === "string" ? out.body : JSON.stringify(out.body);
  res.writeHead(out.code, {
    "Content-Type": typeof out.body === "string" ? "text/plain" : "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...out.headers,
  });
  res.end(text);
}

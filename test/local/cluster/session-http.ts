/**
 * A session's URL path through what the operator rendered: Ingress → Service → the pod's container
 * listening on the target port, then from container to container as each one's arguments, env and
 * mounted config say (oauth2-proxy's upstreams and skip-auth routes, the authproxy's token or
 * cookie, traefik's passthrough), ending at Jupyter at its base URL or the git sidecar.
 *
 * Authentication is modelled as "which credential reaches which upstream", not as an OIDC flow: a
 * request carrying oauth2-proxy's session cookie is a signed-in browser (docs/local-cluster.md).
 */
import { parse as parseYaml } from "yaml";
import { type GitState, sidecarAnswer } from "./amalthea/git-session.js";
import { renkuImageOf } from "./amalthea/image-contracts.js";
import { jupyterListening } from "./amalthea/jupyter.js";
import type { ContainerSpec, PodModel } from "./amalthea/pod-model.js";
import type { KubeApi } from "./api.js";
import type { KObject } from "./types.js";

export interface SessionHttpDeps {
  api: KubeApi;
  model(ns: string, pod: string): PodModel | undefined;
  gitState(ns: string, session: string): GitState | undefined;
}

export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface HttpAnswer {
  code: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** oauth2-proxy's session cookie: its presence stands for a finished sign-in. */
export const OAUTH2_PROXY_COOKIE = "_oauth2_proxy";

const JUPYTER_PORT = 8888;
const SESSION_CONTAINERS = new Set(["amalthea-session", "jupyter-server"]);
const text = (code: number, body: string): HttpAnswer => ({ code, body });

type Spec = ContainerSpec & { ports?: Array<{ containerPort?: number }> };
interface Hop {
  ns: string;
  pod: KObject;
  model: PodModel;
}

/** The answer a request to `path` on the ingress gets. */
export function ingressAnswer(deps: SessionHttpDeps, req: HttpRequest): HttpAnswer {
  const backend = ingressBackend(deps.api, req.path);
  if (!backend) return text(404, "default backend - 404");
  return serviceAnswer(deps, backend.ns, backend.service, backend.port, req);
}

function def(api: KubeApi, group: string, resource: string) {
  const d = api.resource(group, "v1", resource);
  if (!d) throw new Error(`no ${resource} in the local cluster`);
  return d;
}

function ingressBackend(api: KubeApi, path: string) {
  let best: { ns: string; service: string; port: number | string; length: number } | undefined;
  for (const ing of api.list(def(api, "networking.k8s.io", "ingresses"), {}).items) {
    const rules = (ing.spec as { rules?: unknown[] } | undefined)?.rules ?? [];
    for (const rule of rules as Array<{ http?: { paths?: unknown[] } }>) {
      for (const p of (rule.http?.paths ?? []) as Array<{
        path?: string;
        backend?: { service?: { name: string; port: { number?: number; name?: string } } };
      }>) {
        const prefix = (p.path ?? "/").replace(/\/+$/, "");
        const matches = prefix === "" || path === prefix || path.startsWith(`${prefix}/`);
        const svc = p.backend?.service;
        if (!matches || !svc || (best && best.length >= prefix.length)) continue;
        const port = svc.port.number ?? svc.port.name ?? 80;
        best = { ns: ing.metadata.namespace ?? "", service: svc.name, port, length: prefix.length };
      }
    }
  }
  return best;
}

function serviceAnswer(
  deps: SessionHttpDeps,
  ns: string,
  name: string,
  port: number | string,
  req: HttpRequest,
): HttpAnswer {
  const service = deps.api
    .list(def(deps.api, "", "services"), { namespace: ns })
    .items.find((s) => s.metadata.name === name);
  const spec = service?.spec as
    | {
        selector?: Record<string, string>;
        ports?: Array<{ port: number; name?: string; targetPort?: number | string }>;
      }
    | undefined;
  const entry = spec?.ports?.find((p) => p.port === port || p.name === port);
  if (!spec || !entry) return text(503, "Service Unavailable");
  const selector = Object.entries(spec.selector ?? {});
  const pod = deps.api
    .list(def(deps.api, "", "pods"), { namespace: ns })
    .items.find(
      (p) =>
        !p.metadata.deletionTimestamp &&
        selector.length > 0 &&
        selector.every(([k, v]) => p.metadata.labels?.[k] === v),
    );
  const model = pod ? deps.model(ns, pod.metadata.name ?? "") : undefined;
  if (!pod || !model) return text(503, "Service Unavailable");
  const target = Number(entry.targetPort ?? entry.port);
  return dial(deps, { ns, pod, model }, target, req, 0);
}

/** The port a container listens on, from what its program reads. */
function listenPort(c: Spec, model: PodModel): number | undefined {
  const env = envOf(c);
  if (SESSION_CONTAINERS.has(c.name))
    return jupyterListening(c, model.baseUrl).reachable ? JUPYTER_PORT : undefined;
  if (isOauth2Proxy(c)) {
    const address = flag(c, "http-address") ?? ":4180";
    return Number(address.slice(address.lastIndexOf(":") + 1));
  }
  if (c.name === "authproxy") return Number(env.get("AUTHPROXY_PORT"));
  if (renkuImageOf(c.image) === "git-rpc-server") return Number(env.get("GIT_RPC_PORT"));
  if (c.name === "passthrough-proxy")
    return Number((flag(c, "entryPoints.web.address") ?? ":80").split(":").pop());
  return undefined;
}

const isOauth2Proxy = (c: Spec) => /(^|\/)oauth2-proxy(:|@|$)/.test(c.image);

function flag(c: Spec, name: string): string | undefined {
  return flags(c, name)[0];
}

function flags(c: Spec, name: string): string[] {
  return (c.args ?? [])
    .filter((a) => a.startsWith(`--${name}=`))
    .map((a) => a.slice(name.length + 3));
}

function envOf(c: Spec): Map<string, string | undefined> {
  return new Map((c.env ?? []).map((e) => [e.name, e.value]));
}

function dial(
  deps: SessionHttpDeps,
  hop: Hop,
  port: number,
  req: HttpRequest,
  depth: number,
): HttpAnswer {
  if (depth > 8) return text(508, "Loop Detected");
  const c = hop.model.regular.find(
    (x) => x.ready && listenPort(x.spec as Spec, hop.model) === port,
  );
  // Nothing listening: the proxy in front answers as oauth2-proxy and the authproxy do.
  if (!c) return text(502, "Bad Gateway");
  const spec = c.spec as Spec;
  if (SESSION_CONTAINERS.has(spec.name)) return jupyterAnswer(deps, hop, spec, req);
  if (isOauth2Proxy(spec)) return oauth2ProxyAnswer(deps, hop, spec, req, depth);
  if (spec.name === "authproxy") return authproxyAnswer(deps, hop, spec, req, depth);
  if (spec.name === "passthrough-proxy") return traefikAnswer(deps, hop, spec, req, depth);
  const state = deps.gitState(hop.ns, sessionOf(hop.pod));
  if (!state) return text(502, "Bad Gateway");
  return sidecarAnswer(spec, req.method, req.path, req.body, state);
}

/** A proxy's answer: it forwards to `127.0.0.1` or a Service, `depth` hops in. */
type Proxy = (
  deps: SessionHttpDeps,
  hop: Hop,
  c: Spec,
  req: HttpRequest,
  depth: number,
) => HttpAnswer;

const sessionOf = (pod: KObject) => (pod.metadata.name ?? "").replace(/-0$/, "");

/** `http://host:port/path`: a container of the same pod (127.0.0.1, localhost) or a Service. */
function forward(deps: SessionHttpDeps, hop: Hop, upstream: string, req: HttpRequest, depth = 0) {
  const url = new URL(upstream);
  const port = Number(url.port || 80);
  if (url.hostname === "127.0.0.1" || url.hostname === "localhost")
    return dial(deps, hop, port, req, depth + 1);
  return serviceAnswer(deps, hop.ns, url.hostname.split(".")[0] ?? "", port, req);
}

const oauth2ProxyAnswer: Proxy = (deps, hop, c, req, depth) => {
  if (req.path === "/ping") return text(200, "OK");
  const skipped = [...flags(c, "skip-auth-route"), ...configSkipRoutes(deps, hop, c)].some(
    (route) => {
      const eq = route.indexOf("=");
      const [method, pattern] =
        eq > 0 && /^[A-Z]+$/.test(route.slice(0, eq))
          ? [route.slice(0, eq), route.slice(eq + 1)]
          : [undefined, route];
      return (!method || method === req.method) && new RegExp(pattern).test(req.path);
    },
  );
  if (!skipped && !cookie(req, OAUTH2_PROXY_COOKIE)) return text(401, "Unauthorized");
  // Legacy `--upstream` flags: the URL's path is the route, the longest matching one wins.
  const routes = flags(c, "upstream").map((u) => ({ u, path: new URL(u).pathname }));
  const route = routes
    .filter((r) => req.path.startsWith(r.path))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!route) return text(404, "Not Found");
  return forward(deps, hop, route.u, req, depth);
};

/** `skip_auth_routes` of oauth2-proxy's `--config` file (TOML; a one-line array is read). */
function configSkipRoutes(deps: SessionHttpDeps, hop: Hop, c: Spec): string[] {
  const path = flag(c, "config");
  const file = path ? mountedFile(deps, hop, c, path) : undefined;
  const line = /^skip_auth_routes\s*=\s*(\[.*\])\s*$/m.exec(file ?? "")?.[1];
  return line ? (JSON.parse(line) as string[]) : [];
}

const authproxyAnswer: Proxy = (deps, hop, c, req, depth) => {
  if (req.path === "/__amalthea__/health") return text(200, "OK");
  const args = c.args ?? [];
  const at = args.indexOf("--config");
  if (at >= 0) {
    const file = mountedFile(deps, hop, c, args[at + 1] ?? "");
    const conf = (file ? parseYaml(file) : undefined) as
      | { authproxy?: { token?: string; cookie_key?: string } }
      | undefined;
    const token = conf?.authproxy?.token;
    const key = conf?.authproxy?.cookie_key ?? "";
    const bearer = header(req, "authorization") === `Bearer ${token}`;
    if (!token || !(cookie(req, key) === token || bearer)) return text(401, "Unauthorized");
  }
  const env = envOf(c);
  const strip = env.get("AUTHPROXY_STRIP_PATH_PREFIX");
  const path = strip && req.path.startsWith(strip) ? `/${req.path.slice(strip.length)}` : req.path;
  return forward(deps, hop, env.get("AUTHPROXY_REMOTE") ?? "", { ...req, path }, depth);
};

const traefikAnswer: Proxy = (deps, hop, c, req, depth) => {
  const dir = flag(c, "providers.file.directory") ?? "";
  const mount = (c.volumeMounts ?? []).find((m) => m.mountPath.startsWith(`${dir}/`));
  const file = mount ? mountedFile(deps, hop, c, mount.mountPath) : undefined;
  const conf = (file ? parseYaml(file) : undefined) as {
    http?: { services?: Record<string, { loadBalancer?: { servers?: Array<{ url: string }> } }> };
  };
  const server = Object.values(conf?.http?.services ?? {})[0]?.loadBalancer?.servers?.[0]?.url;
  if (!server) return text(404, "404 page not found");
  return forward(deps, hop, server, req, depth);
};

/** Jupyter at its base URL: its own token when it has one (`?token=` or `Authorization`). */
function jupyterAnswer(deps: SessionHttpDeps, hop: Hop, c: Spec, req: HttpRequest): HttpAnswer {
  const base = `${(jupyterBaseUrl(deps, hop, c) ?? "/").replace(/\/+$/, "")}/`;
  if (!`${req.path}/`.startsWith(base)) return text(404, "Not Found");
  const token = envValue(deps, hop, c, "SERVER_APP_TOKEN");
  const given =
    req.query.get("token") ?? header(req, "authorization")?.replace(/^token\s+/i, "") ?? "";
  if (token && given !== token) return text(403, "Forbidden");
  const rest = req.path.slice(base.length);
  if (rest === "api/status" && req.method === "GET")
    return {
      code: 200,
      body: { connections: 0, kernels: 0, started: hop.pod.metadata.creationTimestamp },
    };
  if (rest === "" || rest === "/")
    return { code: 302, body: "", headers: { Location: `${base}lab` } };
  if (/^(lab|tree)(\/|$)/.test(rest) && req.method === "GET")
    return text(200, `<!doctype html><title>JupyterLab</title><body data-base-url="${base}">`);
  return text(404, "Not Found");
}

/** Jupyter's base URL: from its arguments, else from the config file mounted for it. */
function jupyterBaseUrl(deps: SessionHttpDeps, hop: Hop, c: Spec): string | undefined {
  const arg = (c.args ?? []).find((a) => /^--(ServerApp|NotebookApp)\.base_url=/.test(a));
  if (arg) return arg.slice(arg.indexOf("=") + 1);
  for (const m of c.volumeMounts ?? []) {
    if (!m.mountPath.endsWith("_config.py")) continue;
    const file = mountedFile(deps, hop, c, m.mountPath) ?? "";
    const found = /^c\.(?:ServerApp|NotebookApp)\.base_url\s*=\s*"([^"]*)"/m.exec(file);
    if (found) return found[1];
  }
  return undefined;
}

function header(req: HttpRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function cookie(req: HttpRequest, name: string): string | undefined {
  for (const part of (header(req, "cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function secretOrConfigMapKey(
  deps: SessionHttpDeps,
  ns: string,
  kind: "secrets" | "configmaps",
  name: string,
  key: string,
): string | undefined {
  const obj = deps.api
    .list(def(deps.api, "", kind), { namespace: ns })
    .items.find((o) => o.metadata.name === name) as
    | (KObject & { data?: Record<string, string>; stringData?: Record<string, string> })
    | undefined;
  if (!obj) return undefined;
  if (typeof obj.stringData?.[key] === "string") return obj.stringData[key];
  const raw = obj.data?.[key];
  if (typeof raw !== "string") return undefined;
  return kind === "secrets" ? Buffer.from(raw, "base64").toString("utf8") : raw;
}

function envValue(deps: SessionHttpDeps, hop: Hop, c: Spec, name: string): string | undefined {
  const e = (c.env ?? []).find((x) => x.name === name);
  if (e?.value !== undefined) return e.value;
  const ref = (e?.valueFrom as { secretKeyRef?: { name: string; key: string } } | undefined)
    ?.secretKeyRef;
  return ref ? secretOrConfigMapKey(deps, hop.ns, "secrets", ref.name, ref.key) : undefined;
}

/** A file's content in the container, from the Secret or ConfigMap volume mounted there. */
function mountedFile(deps: SessionHttpDeps, hop: Hop, c: Spec, path: string): string | undefined {
  // The deepest mount holding the path, as the container's filesystem resolves it.
  const mount = (c.volumeMounts ?? [])
    .filter((m) =>
      m.subPath ? m.mountPath === path : path.startsWith(`${m.mountPath.replace(/\/+$/, "")}/`),
    )
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return undefined;
  const volumes = ((hop.pod.spec as { volumes?: unknown[] } | undefined)?.volumes ?? []) as Array<{
    name: string;
    secret?: { secretName: string; items?: Array<{ key: string; path: string }> };
    configMap?: { name: string; items?: Array<{ key: string; path: string }> };
  }>;
  const volume = volumes.find((v) => v.name === mount.name);
  const file = mount.subPath ?? path.slice(mount.mountPath.replace(/\/+$/, "").length + 1);
  const source = volume?.secret ?? volume?.configMap;
  if (!volume || !source) return undefined;
  const key = source.items ? source.items.find((i) => i.path === file)?.key : file;
  if (!key) return undefined;
  return volume.secret
    ? secretOrConfigMapKey(deps, hop.ns, "secrets", volume.secret.secretName, key)
    : secretOrConfigMapKey(deps, hop.ns, "configmaps", volume.configMap?.name ?? "", key);
}

/**
 * Amalthea's children for one JupyterServer (amalthea.md A.6, A.8): Amalthea 0.24.0's own Jinja2
 * templates (./templates, Apache-2.0) rendered with the values the operator passes them
 * (controller/k8s_resources.py), parsed as YAML, then `spec.patches` applied to the dict keyed by
 * child key (json-patch / merge-patch; other types ignored).
 */
import { randomBytes } from "node:crypto";
import { parse, type Tags } from "yaml";
import { applyJsonPatch, mergePatch } from "../patch.js";
import { KubeError } from "../status.js";
import type { KObject } from "../types.js";
import { pyJsonDumps, templateEnvironment } from "./jinja.js";

type Obj = Record<string, unknown>;

export interface JupyterServerSpec {
  auth: {
    token?: string;
    oidc: {
      enabled: boolean;
      clientId?: string;
      issuerUrl?: string;
      authorizedEmails?: string[];
      clientSecret?: Obj;
    };
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

const pyStr = (v: unknown) => (v === null ? "None" : v === undefined ? "" : String(v));
const rstripSlash = (s: string) => s.replace(/\/+$/, "");

/** `get_urls`: host_url and full_url = urljoin(host_url, path without trailing "/"). */
function urls(spec: JupyterServerSpec): { hostUrl: string; fullUrl: string } {
  const hostUrl = `http${spec.routing.tls.enabled ? "s" : ""}://${pyStr(spec.routing.host)}`;
  const path = rstripSlash(spec.routing.path);
  // urljoin against a bare host: "" keeps the host URL, a relative path gets a "/" before it.
  const fullUrl = path === "" ? hostUrl : `${hostUrl}${path.startsWith("/") ? "" : "/"}${path}`;
  return { hostUrl, fullUrl };
}

export function fullServerUrl(spec: JupyterServerSpec): string {
  return urls(spec).fullUrl;
}

/** Python's urljoin for two paths: the base's last segment replaced, empty segments dropped. */
function joinPaths(base: string, ref: string): string {
  const baseParts = base.split("/");
  if (baseParts[baseParts.length - 1] !== "") baseParts.pop();
  const segments = [...baseParts, ...ref.split("/")];
  const middle = segments.slice(1, -1).filter((s) => s !== "");
  return [segments[0], ...middle, segments[segments.length - 1]].join("/");
}

/** `create_template_values` of controller/k8s_resources.py. */
export function templateValues(name: string, spec: JupyterServerSpec, schedulerName = ""): Obj {
  const { hostUrl, fullUrl } = urls(spec);
  const trimmed = rstripSlash(spec.routing.path);
  return {
    auth: spec.auth,
    authentication_plugin_cookie_secret: randomBytes(32)
      .toString("base64")
      .replace(/\+/g, "-")
      .replace(/\//g, "_"),
    full_url: fullUrl,
    host_url: hostUrl,
    ingress_annotations: pyJsonDumps(spec.routing.ingressAnnotations),
    jupyter_server: spec.jupyterServer,
    // dict.get: a token given (even "" or null) is used as it is.
    jupyter_server_app_token:
      "token" in spec.auth ? spec.auth.token : randomBytes(32).toString("hex"),
    jupyter_server_cookie_secret: randomBytes(32).toString("hex"),
    name,
    oidc: spec.auth.oidc,
    // os.path.join("/", p): an absolute p replaces the "/".
    path: trimmed.startsWith("/") ? trimmed : `/${trimmed}`,
    probe_path: joinPaths(`${spec.routing.path}/`, "api/status"),
    pvc: spec.storage.pvc,
    routing: spec.routing,
    scheduler_name: schedulerName,
    storage: spec.storage,
  };
}

const CHILD_TEMPLATES: Array<[string, string]> = [
  ["service", "service.yaml"],
  ["ingress", "ingress.yaml"],
  ["statefulset", "statefulset.yaml"],
  ["configmap", "configmap.yaml"],
  ["secret", "secret.yaml"],
];

/** PyYAML's YAML 1.1 booleans: yes/no/on/off and true/false, but not y/n. */
const PYYAML_BOOL: Record<string, RegExp> = {
  true: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/,
  false: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/,
};
const pyyamlTags = (tags: Tags): Tags =>
  tags.map((t) => {
    if (typeof t !== "object" || !("test" in t) || t.tag !== "tag:yaml.org,2002:bool" || !t.test)
      return t;
    return { ...t, test: t.test.test("true") ? PYYAML_BOOL.true : PYYAML_BOOL.false } as typeof t;
  });

let env: ReturnType<typeof templateEnvironment> | undefined;

/**
 * The rendered children, before patches. Throws as the operator's render would (a template
 * error, or YAML that does not parse).
 */
export function renderChildren(name: string, spec: JupyterServerSpec): Record<string, Obj> {
  env ??= templateEnvironment();
  const values = templateValues(name, spec);
  const templates = spec.storage.pvc.enabled
    ? [...CHILD_TEMPLATES, ["pvc", "pvc.yaml"] as [string, string]]
    : CHILD_TEMPLATES;
  const children: Record<string, Obj> = {};
  // yaml.safe_load is YAML 1.1, as PyYAML reads it.
  for (const [key, file] of templates)
    children[key] = parse(env.render(file, values), {
      version: "1.1",
      customTags: pyyamlTags,
    }) as Obj;
  return children;
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

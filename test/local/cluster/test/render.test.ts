/** The simulated Amalthea's rendering: Amalthea 0.24's templates through a Jinja2-compatible engine. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { jinjaToJson, TEMPLATE_DIR, templateEnvironment } from "../amalthea/jinja.js";
import {
  fullServerUrl,
  type JupyterServerSpec,
  patchChildren,
  renderChildren,
  templateValues,
} from "../amalthea/render.js";

function spec(over: Partial<JupyterServerSpec> = {}): JupyterServerSpec {
  return {
    auth: {
      token: "",
      oidc: {
        enabled: true,
        clientId: "renku-jupyterserver",
        issuerUrl: "https://id.example/realms/Renku",
        authorizedEmails: ["a@example.com", "b@example.com"],
        clientSecret: { value: "s3cret" },
      },
    },
    jupyterServer: {
      image: "renku/py:3.10",
      defaultUrl: "/lab",
      rootDir: "/home/jovyan/work/p/",
      hibernated: false,
      resources: { requests: { memory: "1G", cpu: 0.5 } },
    },
    routing: {
      host: "renku.example",
      path: "/sessions/s-1",
      tls: { enabled: true, secretName: "tls" },
      ingressAnnotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "0" },
    },
    storage: { size: "1G", pvc: { enabled: true, mountPath: "/home/jovyan/work" } },
    patches: [],
    ...over,
  };
}

const render = (template: string, values: Record<string, unknown>) =>
  templateEnvironment().renderString(template, values);

describe("the templates", () => {
  it("ship unmodified from shared/spec/amalthea-0.24-templates", () => {
    const shared = new URL("../../../../../shared/spec/amalthea-0.24-templates/", import.meta.url);
    const files = readdirSync(TEMPLATE_DIR).sort();
    expect(files).toEqual([
      "configmap.yaml",
      "ingress.yaml",
      "pvc.yaml",
      "secret.yaml",
      "service.yaml",
      "statefulset.yaml",
    ]);
    for (const f of files)
      expect(readFileSync(`${TEMPLATE_DIR}/${f}`, "utf8")).toMatch(
        /^\{# Amalthea 0\.24\.0 .*Apache-2\.0/,
      );
    if (!existsSync(shared)) return; // the spec folder is beside the repo only on dev machines
    for (const f of files)
      expect(readFileSync(`${TEMPLATE_DIR}/${f}`, "utf8")).toBe(
        readFileSync(new URL(f, shared), "utf8"),
      );
  });
});

describe("Jinja2 compatibility of the engine", () => {
  it("`default` replaces undefined only, as Jinja's does (None stays None)", () => {
    expect(render("{{ x | default({}) | tojson }}", {})).toBe("{}");
    expect(render("{{ x | default({}) | tojson }}", { x: null })).toBe("null");
    expect(render('{{ x | default("d") }}', { x: "" })).toBe("");
  });

  it("prints None, True and False as Python does, and an undefined value as empty", () => {
    expect(render("{{ a }}|{{ b }}|{{ c }}|{{ d }}", { a: null, b: true, c: false })).toBe(
      "None|True|False|",
    );
  });

  it("`in` on a missing key is false; `is not none` is Jinja's test", () => {
    expect(render('{% if "value" in x["y"] %}yes{% else %}no{% endif %}', { x: {} })).toBe("no");
    expect(render("{{ x is not none }}|{{ y is not none }}", { x: null, y: "" })).toBe(
      "False|True",
    );
  });

  it("`tojson` sorts keys and escapes HTML characters; `b64encode` is UTF-8 base64", () => {
    expect(jinjaToJson({ b: 1, a: ["<&'>"] })).toBe(
      '{"a": ["\\u003c\\u0026\\u0027\\u003e"], "b": 1}',
    );
    expect(render("{{ s | b64encode }}", { s: "é" })).toBe(Buffer.from("é").toString("base64"));
    expect(() => render("{{ s | b64encode }}", { s: null })).toThrow(/NoneType/);
  });
});

describe("rendering the children", () => {
  it("computes the operator's template values", () => {
    const v = templateValues("s-1", spec());
    expect(v).toMatchObject({
      host_url: "https://renku.example",
      full_url: "https://renku.example/sessions/s-1",
      path: "/sessions/s-1",
      probe_path: "/sessions/s-1/api/status",
      ingress_annotations: '{"nginx.ingress.kubernetes.io/proxy-body-size": "0"}',
      jupyter_server_app_token: "",
    });
    const root = templateValues("s-1", spec({ routing: { ...spec().routing, path: "/" } }));
    expect(root).toMatchObject({
      path: "/",
      probe_path: "/api/status",
      full_url: "https://renku.example",
    });
    expect(fullServerUrl(spec())).toBe("https://renku.example/sessions/s-1");
    // No token given: 64 random hex characters.
    const anon = spec();
    delete anon.auth.token;
    expect(templateValues("s-1", anon).jupyter_server_app_token).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives the children keyed as the operator does, pvc only when enabled", () => {
    expect(Object.keys(renderChildren("s-1", spec()))).toEqual([
      "service",
      "ingress",
      "statefulset",
      "configmap",
      "secret",
      "pvc",
    ]);
    const noPvc = spec({ storage: { size: "", pvc: { enabled: false, mountPath: "/w" } } });
    const children = renderChildren("s-1", noPvc);
    expect(Object.keys(children)).not.toContain("pvc");
    const volumes = (
      children.statefulset as { spec: { template: { spec: { volumes: unknown[] } } } }
    ).spec.template.spec.volumes;
    expect(volumes).toContainEqual({ name: "workspace", emptyDir: null });
  });

  it("reads the YAML as PyYAML does: `y` is a string, `yes` a boolean", () => {
    const children = renderChildren("y", spec());
    expect((children.service as { metadata: { name: unknown } }).metadata.name).toBe("y");
    const yes = renderChildren("yes", spec());
    expect((yes.service as { metadata: { name: unknown } }).metadata.name).toBe(true);
  });

  it("fails to render what the operator's render fails on", () => {
    expect(() =>
      renderChildren(
        "s-1",
        spec({ auth: { token: null as unknown as string, oidc: { enabled: false } } }),
      ),
    ).toThrow(/NoneType/);
  });
});

describe("applying spec.patches", () => {
  const children = () => renderChildren("s-1", spec());

  it("applies json and merge patches in order and ignores other types", () => {
    const out = patchChildren(children(), [
      {
        type: "application/json-patch+json",
        patch: [
          {
            op: "replace",
            path: "/statefulset/spec/template/spec/containers/1/args/6",
            value: "--upstream=x",
          },
        ],
      },
      { type: "application/merge-patch+json", patch: { service: { spec: { clusterIP: null } } } },
      { type: "application/strategic-merge-patch+json", patch: { service: { kind: "Nope" } } },
    ]);
    if ("error" in out) throw new Error(out.error);
    const sts = out.children.statefulset as {
      spec: { template: { spec: { containers: Array<{ args: string[] }> } } };
    };
    expect(sts.spec.template.spec.containers[1]?.args[6]).toBe("--upstream=x");
    expect((out.children.service as { spec: Record<string, unknown> }).spec).not.toHaveProperty(
      "clusterIP",
    );
    expect((out.children.service as { kind: string }).kind).toBe("Service");
  });

  it("one failing op fails the whole set, naming the patch and the path", () => {
    const out = patchChildren(children(), [
      {
        type: "application/json-patch+json",
        patch: [
          { op: "add", path: "/statefulset/spec/template/spec/containers/1/args/-", value: "--ok" },
          {
            op: "replace",
            path: "/statefulset/spec/template/spec/containers/1/args/20",
            value: "--x",
          },
        ],
      },
    ]);
    expect(out).toEqual({
      error: expect.stringMatching(
        /^patch 0 \(application\/json-patch\+json\) could not be applied: .*args\/20/,
      ),
    });
  });
});

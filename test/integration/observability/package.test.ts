/**
 * `serverless package` compiles the dashboard and the two alarms into the CloudFormation template,
 * and bundles that neither contain the tracer nor load it unless tracing is on; each function's
 * environment fits Lambda's 4 KB, the cluster's CA (NB_K8S__EKS__CERTIFICATE_AUTHORITY) included;
 * it writes one zip per function and leaves the temp folder as it found it (serverless-esbuild's
 * zip folders, build/esbuild-zip-cleanup.cjs).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZip } from "../../../deploy/check-package.js";
import { functionHandlers } from "../../bench/bundles.js";
import { makeClusterCa } from "../../helpers/eks-api-tls.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
// Inside the worktree, so a bundle resolves node_modules as a deployed one resolves the layer.
const WORK = `.esbuild-obs-${process.pid}`;
const OUT = join(ROOT, WORK, "package");
// As EKS makes them: an RSA 2048 CA (~1.5 KB as base64 PEM), a long host name.
const EKS_CA = makeClusterCa("rsa").caData;
const EKS_ENDPOINT = "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-central-1.eks.amazonaws.com";
// The packaging's own temp folder, to see what it leaves there.
const TEMP = mkdtempSync(join(tmpdir(), "nb-package-tmp-"));

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
let resources: Record<string, Resource>;

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("AWS_") && !k.startsWith("NB_") && k !== "KUBECONFIG")
      env[k] = v;
  }
  return { ...env, AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
}

beforeAll(async () => {
  await promisify(execFile)(
    `${ROOT}node_modules/.bin/serverless`,
    ["package", "--stage", "prod", "--package", OUT],
    {
      cwd: ROOT,
      env: {
        ...cleanEnv(),
        ESBUILD_WORK_FOLDER: WORK,
        TMPDIR: TEMP,
        NB_K8S__EKS__CLUSTER_NAME: "renku-prod",
        NB_K8S__EKS__ENDPOINT: EKS_ENDPOINT,
        NB_K8S__EKS__CERTIFICATE_AUTHORITY: EKS_CA,
      },
      maxBuffer: 20 * 1024 * 1024,
    },
  );
  const template = JSON.parse(
    readFileSync(join(OUT, "cloudformation-template-update-stack.json"), "utf8"),
  ) as { Resources: Record<string, Resource> };
  resources = template.Resources;
});

afterAll(() => {
  rmSync(join(ROOT, WORK), { recursive: true, force: true });
  rmSync(TEMP, { recursive: true, force: true });
});

it("writes every function's zip and leaves the temp folder as it found it", () => {
  const zips = readdirSync(OUT).filter((f) => f.endsWith(".zip"));
  expect(zips.sort()).toEqual(
    functionHandlers()
      .map((f) => `${f.name}.zip`)
      .sort(),
  );
  expect(readdirSync(TEMP)).toEqual([]);
});

/** The dashboard body as CloudWatch would receive it in eu-central-1. */
function dashboard() {
  const sub = resources.OperationsDashboard?.Properties.DashboardBody as {
    "Fn::Sub": [string, { Ns: string }];
  };
  const [body, vars] = sub["Fn::Sub"];
  // CloudFormation's own placeholders, spelled without a template-looking literal.
  const placeholder = (name: string) => ["$", `{${name}}`].join("");
  const text = body
    .replaceAll(placeholder("AWS::Region"), "eu-central-1")
    .replaceAll(placeholder("Ns"), vars.Ns);
  return JSON.parse(text) as {
    widgets: { properties: { title: string; metrics: unknown[][] } }[];
  };
}

describe("the operations dashboard and alarms", () => {
  it("has a dashboard of launches, latency, failures, upstreams, sessions and the clean-up", () => {
    expect(resources.OperationsDashboard?.Type).toBe("AWS::CloudWatch::Dashboard");
    const widgets = dashboard().widgets;
    expect(widgets.map((w) => w.properties.title)).toEqual([
      "Launches",
      "Launch latency (POST /servers)",
      "Failures by error code family",
      "Endpoint latency p99",
      "Upstream latency p99",
      "Upstream errors and retries",
      "Sessions: stops, hibernations, resumes, quota refusals",
      "Autosave clean-up",
    ]);
    const names = widgets.flatMap((w) =>
      w.properties.metrics.map((m) => (typeof m[1] === "string" ? m[1] : undefined)),
    );
    expect(names).toEqual(
      expect.arrayContaining(["LaunchesFailed", "Latency", "GitLabLatency", "ClusterErrors"]),
    );
    const text = JSON.stringify(dashboard());
    expect(text).toContain('"RenkuNotebooks"');
    expect(text).toContain("eu-central-1");
  });

  it("alarms on the launch failure rate", () => {
    const alarm = resources.LaunchFailureRateAlarm;
    expect(alarm?.Type).toBe("AWS::CloudWatch::Alarm");
    const p = alarm?.Properties as {
      Threshold: number | string;
      Metrics: {
        Id: string;
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string } };
      }[];
    };
    expect(Number(p.Threshold)).toBe(10);
    expect(p.Metrics.find((m) => m.Id === "rate")?.Expression).toBe(
      "IF(launches > 0, 100 * failed / launches, 0)",
    );
    expect(p.Metrics.find((m) => m.Id === "failed")?.MetricStat?.Metric.MetricName).toBe(
      "LaunchesFailed",
    );
    expect(p.Metrics.find((m) => m.Id === "launches")?.MetricStat?.Metric.MetricName).toBe(
      "Launches",
    );
  });

  it("alarms on POST /servers' p99 latency", () => {
    const p = resources.LaunchLatencyP99Alarm?.Properties;
    expect(p).toMatchObject({
      Namespace: "RenkuNotebooks",
      MetricName: "Latency",
      ExtendedStatistic: "p99",
      Dimensions: [
        { Name: "service", Value: "renku-notebooks" },
        { Name: "function", Value: "serversCreate" },
      ],
    });
    expect(Number(p?.Threshold)).toBe(20000);
  });

  it("leaves the tracer out of the bundles: it is required only when tracing is on", async () => {
    const entry = readZip(readFileSync(join(OUT, "health.zip"))).find(
      (e) => e.name === "functions/health.cjs",
    );
    const bundle = join(ROOT, WORK, "health.cjs");
    writeFileSync(bundle, entry?.data() ?? "");
    const text = readFileSync(bundle, "utf8");
    expect(text).not.toContain("aws-xray-sdk");
    expect(text).toContain('require("@aws-lambda-powertools/tracer")');
    const loaded = async (tracing: string) => {
      const script = `const m = require(${JSON.stringify(bundle)});
        m.main({ version: "2.0", rawPath: "/health", headers: {}, requestContext: { http: { method: "GET" } } }, {})
          .then((r) => { process.stderr.write(JSON.stringify({ status: r.statusCode,
            tracer: Object.keys(require.cache).some((k) => k.includes("@aws-lambda-powertools/tracer")) })); });`;
      const { stderr } = await promisify(execFile)(process.execPath, ["-e", script], {
        cwd: ROOT,
        env: {
          ...cleanEnv(),
          NB_TRACING__ENABLED: tracing,
          NB_LOG_LEVEL: "silent",
          NB_STAGE: "local",
          NB_SESSIONS__INGRESS__HOST: "s.example.org",
        },
      });
      return JSON.parse(stderr) as { status: number; tracer: boolean };
    };
    expect(await loaded("false")).toEqual({ status: 200, tracer: false });
    expect(await loaded("true")).toEqual({ status: 200, tracer: true });
  });
});

describe("the functions' environment", () => {
  it("leaves unset settings out, so that it fits Lambda's 4 KB with the cluster's CA in it", () => {
    const functions = Object.values(resources).filter((r) => r.Type === "AWS::Lambda::Function");
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      const name = String(fn.Properties.FunctionName);
      expect(Object.values(variables), name).not.toContain("");
      expect(variables.NB_K8S__EKS__CERTIFICATE_AUTHORITY, name).toBe(EKS_CA);
      expect(variables.NB_K8S__EKS__ENDPOINT, name).toBe(EKS_ENDPOINT);
      // What Lambda measures: the variables as JSON (secrets still as their longer references).
      expect(JSON.stringify(variables).length, name).toBeLessThanOrEqual(4096);
    }
  });
});

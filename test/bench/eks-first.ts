/**
 * The first EKS-mode request both ways (issue 16): @aws-sdk/client-eks loaded on first use, as the
 * functions run it, against the hand-signed DescribeCluster they used before; the SDK bundled into
 * the zip instead (docs/deploy.md's alternative); the endpoint and CA given as settings, which
 * needs neither DescribeCluster nor the SDK; and kubeconfig mode, which must load no SDK.
 *
 * Each run is a fresh node process that requires a probe bundle (eks-probe.ts, built with
 * serverless.yml's esbuild options) and times its first `kubeConfig()` against a local stand-in of
 * the EKS API, with static credentials in the environment. NODE_PATH points at node_modules, as the
 * Lambda runtime's points at its own SDK (/var/runtime/node_modules). Ways alternate run by run.
 */
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { makeClusterCa } from "../helpers/eks-api-tls.js";
import { lambdaBuildOptions, ROOT } from "./bundles.js";
import { spawnReport } from "./cold-start.js";
import type { Way } from "./eks-probe.js";
import { kb, median, ms } from "./stats.js";
import { type Row, verdict } from "./table.js";

const SECTION = "9 EKS first request";
const CHILD = join(import.meta.dirname, "eks-child.cjs");
/** The server DescribeCluster names (never contacted: the first request ends at the kubeconfig). */
export const CLUSTER_SERVER = "https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com";

export interface ProbeReport {
  loadMs: number;
  firstMs: number;
  /** @aws-sdk/* and @smithy/* files in require.cache after requiring the bundle, and after the first request. */
  loadedBefore: number;
  loadedAfter: number;
  server?: string;
  /** The kind of object BENCH_EKS_CALL's GET answered. */
  called?: unknown;
  error?: string;
}

/** The probe as the functions are bundled: the AWS SDK excluded (or bundled in, if asked). */
export async function buildProbe(opts: { bundleSdk?: boolean } = {}): Promise<string> {
  const base = lambdaBuildOptions();
  const file = join(mkdtempSync(join(tmpdir(), "nb-eks-probe-")), "probe.cjs");
  await build({
    ...base,
    external: opts.bundleSdk
      ? base.external.filter((e) => !e.startsWith("@aws-sdk/"))
      : base.external,
    entryPoints: [join(import.meta.dirname, "eks-probe.ts")],
    outfile: file,
  });
  return file;
}

/** A stand-in of the EKS API's DescribeCluster; counts the requests by user agent. */
export async function startEksStandIn() {
  const agents: string[] = [];
  const server = createServer((req, res) => {
    agents.push(String(req.headers["user-agent"] ?? ""));
    if (req.method !== "GET" || req.url !== "/clusters/renku") {
      res.writeHead(404, { "x-amzn-errortype": "ResourceNotFoundException" });
      res.end(JSON.stringify({ message: `No cluster found for ${req.url}` }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        cluster: {
          name: "renku",
          status: "ACTIVE",
          endpoint: CLUSTER_SERVER,
          certificateAuthority: { data: "Q0EK" },
        },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    agents,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * A Lambda-like environment: static credentials, the SDK found through NODE_PATH, DescribeCluster
 * at `eksEndpoint`; `pinned`: the API server's endpoint and CA as settings, for the pinned way.
 */
export function probeEnv(
  eksEndpoint: string,
  pinned?: { endpoint: string; caData: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("NB_") && !k.startsWith("AWS_")) env[k] = v;
  }
  const kubeconfig = join(mkdtempSync(join(tmpdir(), "nb-eks-kc-")), "kubeconfig");
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "local", cluster: { server: "http://127.0.0.1:1" } }],
      users: [{ name: "local", user: { token: "t" } }],
      contexts: [{ name: "local", context: { cluster: "local", user: "local" } }],
      "current-context": "local",
    }),
  );
  return {
    ...env,
    NODE_OPTIONS: "",
    NODE_PATH: join(ROOT, "node_modules"),
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_REGION: "eu-central-1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    BENCH_EKS_ENDPOINT: eksEndpoint,
    NB_K8S__EKS__REGION: "eu-central-1",
    NB_K8S__KUBECONFIG: kubeconfig,
    ...(pinned
      ? {
          NB_K8S__EKS__ENDPOINT: pinned.endpoint,
          NB_K8S__EKS__CERTIFICATE_AUTHORITY: pinned.caData,
        }
      : {}),
  };
}

/** One fresh process: require the probe, run the first request's cluster access. */
export async function runProbe(
  file: string,
  way: Way,
  env: Record<string, string>,
): Promise<ProbeReport> {
  const { report } = await spawnReport(CHILD, [file, way], env);
  const probe = report as unknown as ProbeReport;
  if (probe.error) throw new Error(`the ${way} probe failed: ${probe.error}`);
  return probe;
}

/** A function's minified bundle with the AWS SDK excluded (as packaged) and bundled in. */
async function handlerBytes(entry: string, bundleSdk: boolean): Promise<number> {
  const base = lambdaBuildOptions();
  const result = await build({
    ...base,
    external: bundleSdk ? base.external.filter((e) => !e.startsWith("@aws-sdk/")) : base.external,
    entryPoints: [join(ROOT, entry)],
    write: false,
    outfile: join(tmpdir(), "nb-bench-eks-size.cjs"),
  });
  return result.outputFiles.reduce((n, f) => n + f.contents.length, 0);
}

export async function eksFirstRequest(runs: number, say: (line: string) => void): Promise<Row[]> {
  const [excluded, bundled] = await Promise.all([buildProbe(), buildProbe({ bundleSdk: true })]);
  const standIn = await startEksStandIn();
  // The first request ends at the kubeconfig: the pinned endpoint is never contacted either.
  const env = probeEnv(standIn.url, { endpoint: CLUSTER_SERVER, caData: makeClusterCa().caData });
  const ways = [
    { key: "sdk", file: excluded, way: "sdk" },
    { key: "pinned", file: excluded, way: "pinned" },
    { key: "signed", file: excluded, way: "signed" },
    { key: "bundled", file: bundled, way: "sdk" },
    { key: "kubeconfig", file: excluded, way: "kubeconfig" },
  ] as const;
  const results = new Map<string, ProbeReport[]>(ways.map((w) => [w.key, []]));
  /** DescribeCluster requests the stand-in got, per way. */
  const described = new Map<string, number>(ways.map((w) => [w.key, 0]));
  try {
    for (let i = 0; i < runs; i++) {
      for (const w of ways) {
        const before = standIn.agents.length;
        const r = await runProbe(w.file, w.way, env);
        if (w.way !== "kubeconfig" && r.server !== CLUSTER_SERVER)
          throw new Error(`the ${w.key} probe built a kubeconfig for ${r.server}`);
        results.get(w.key)?.push(r);
        described.set(w.key, (described.get(w.key) ?? 0) + standIn.agents.length - before);
      }
    }
  } finally {
    await standIn.stop();
  }
  const sdkAgents = standIn.agents.filter((a) => a.includes("aws-sdk-js/")).length;
  const of = (key: string, f: (r: ProbeReport) => number) =>
    median((results.get(key) ?? []).map(f));
  const first = (key: string) => of(key, (r) => r.firstMs);
  const load = (key: string) => of(key, (r) => r.loadMs);
  const sdkFiles = of("sdk", (r) => r.loadedAfter);
  const sdkLoads = (key: string) =>
    (results.get(key) ?? []).filter((r) => r.loadedBefore + r.loadedAfter > 0).length;
  const kubeconfigLoads = sdkLoads("kubeconfig");
  const pinnedClean = sdkLoads("pinned") === 0 && described.get("pinned") === 0;
  const [listExcluded, listBundled] = await Promise.all([
    handlerBytes("functions/servers/list.ts", false),
    handlerBytes("functions/servers/list.ts", true),
  ]);
  say(
    `  EKS first request: SDK ${ms(first("sdk"))}, pinned ${ms(first("pinned"))}, signed ${ms(first("signed"))}, bundled SDK ${ms(first("bundled"))}, kubeconfig ${ms(first("kubeconfig"))}`,
  );
  const n = `${runs} fresh processes each, alternating`;
  return [
    {
      section: SECTION,
      measure: `EKS mode, SDK loaded on first use (as deployed): require @aws-sdk/client-eks (${sdkFiles} @aws-sdk/@smithy files from NODE_PATH) + EKSClient DescribeCluster + token`,
      value: ms(first("sdk")),
      versus: `+${ms(first("sdk") - first("signed"))} over the signed fetch; ${n}; ${sdkAgents} requests with the SDK's user agent`,
    },
    {
      section: SECTION,
      measure:
        "EKS mode, endpoint and CA pinned (NB_K8S__EKS__ENDPOINT, NB_K8S__EKS__CERTIFICATE_AUTHORITY): token only",
      value: ms(first("pinned")),
      versus: `-${ms(first("sdk") - first("pinned"))} against the SDK's DescribeCluster; ${n}; SDK files loaded in ${sdkLoads("pinned")} of ${runs} runs, ${described.get("pinned")} DescribeCluster requests`,
      target: "no SDK, no DescribeCluster",
      verdict: verdict(pinnedClean),
    },
    {
      section: SECTION,
      measure: "EKS mode, hand-signed DescribeCluster (before; lib/k8s/eks-describe.ts) + token",
      value: ms(first("signed")),
      versus: n,
    },
    {
      section: SECTION,
      measure: "EKS mode, SDK bundled into the zip instead (docs/deploy.md): first request",
      value: ms(first("bundled")),
      versus: `bundle require ${ms(load("bundled"))} against ${ms(load("sdk"))} excluded, paid by every cold start`,
    },
    {
      section: SECTION,
      measure: "kubeconfig mode: first request's cluster access",
      value: ms(first("kubeconfig")),
      versus: `@aws-sdk/@smithy files loaded in ${kubeconfigLoads} of ${runs} runs`,
      target: "none loaded",
      verdict: verdict(kubeconfigLoads === 0),
    },
    {
      section: SECTION,
      measure: "serversList bundle, @aws-sdk/* excluded (as packaged) against bundled in",
      value: kb(listExcluded),
      versus: `${kb(listBundled)} bundled (+${kb(listBundled - listExcluded)}); probe ${kb(statSync(excluded).size)} against ${kb(statSync(bundled).size)}`,
    },
  ];
}

/**
 * kube-apiserver's validation and admission of built-in objects, as the real kubectl meets them:
 * each refusal carries the API server's own message.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCluster, startLocalCluster } from "../../local/cluster/index.js";
import { kubectlPath, runKubectl } from "./kubectl-run.js";

const container = (name: string, extra: object = {}) => ({ name, image: "busybox", ...extra });
const pod = (name: string, spec: object) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec,
});

describe.runIf(kubectlPath)("kubectl meets kube-apiserver's validation and admission", () => {
  let cluster: LocalCluster;
  let dir: string;
  let kubeconfig: string;

  const kubectl = (...args: string[]) => runKubectl(dir, kubeconfig, ["-n", "renku", ...args]);
  const create = async (obj: object) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(obj));
    return kubectl("create", "-f", file);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "local-cluster-admission-"));
    kubeconfig = join(dir, "kubeconfig");
    cluster = await startLocalCluster({ timing: "instant", kubeconfigPath: kubeconfig });
  });
  afterAll(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses a StatefulSet whose required node affinity has no term", async () => {
    const out = await create({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "empty-terms" },
      spec: {
        serviceName: "empty-terms",
        selector: { matchLabels: { app: "x" } },
        template: {
          metadata: { labels: { app: "x" } },
          spec: {
            containers: [container("main")],
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] },
              },
            },
          },
        },
      },
    });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe(
      'The StatefulSet "empty-terms" is invalid: spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term',
    );
  });

  it("refuses a pod with two containers of one name", async () => {
    const out = await create(pod("twins", { containers: [container("main"), container("main")] }));
    expect(out.stderr.trim()).toBe(
      'The Pod "twins" is invalid: spec.containers[1].name: Duplicate value: "main"',
    );
  });

  it("refuses a port name over 15 characters", async () => {
    const out = await create(
      pod("long-port", {
        containers: [
          container("main", { ports: [{ name: "a-very-long-port-name", containerPort: 80 }] }),
        ],
      }),
    );
    expect(out.stderr.trim()).toBe(
      'The Pod "long-port" is invalid: spec.containers[0].ports[0].name: Invalid value: "a-very-long-port-name": must be no more than 15 characters',
    );
  });

  it("refuses a mount of a volume the pod does not declare", async () => {
    const out = await create(
      pod("no-volume", {
        containers: [container("main", { volumeMounts: [{ name: "data", mountPath: "/data" }] })],
      }),
    );
    expect(out.stderr.trim()).toBe(
      'The Pod "no-volume" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "data"',
    );
  });

  it("refuses a pod naming a PriorityClass that does not exist, and admits it once it exists", async () => {
    const spec = { priorityClassName: "public-quota", containers: [container("main")] };
    const out = await create(pod("needs-class", spec));
    expect(out.stderr.trim()).toBe(
      'Error from server (Forbidden): error when creating "' +
        out.stderr.split('"')[1] +
        '": pods "needs-class" is forbidden: no PriorityClass with name public-quota was found',
    );
    const pc = await create({
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "public-quota" },
      value: 100,
      globalDefault: false,
      preemptionPolicy: "Never",
      description: "Renku resource quota priority class",
    });
    expect(pc.stdout.trim()).toBe("priorityclass.scheduling.k8s.io/public-quota created");
    const again = await create(pod("needs-class", spec));
    expect(again.stdout.trim()).toBe("pod/needs-class created");
    const got = await kubectl("get", "pod", "needs-class", "-o", "jsonpath={.spec.priority}");
    expect(got.stdout).toBe("100");
  });

  it("refuses a pod over its namespace's quota", async () => {
    const quota = await create({
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "tight" },
      spec: {
        hard: { "requests.cpu": "1", "requests.memory": "1000000000" },
        scopeSelector: {
          matchExpressions: [
            { operator: "In", scopeName: "PriorityClass", values: ["public-quota"] },
          ],
        },
      },
    });
    expect(quota.stdout.trim()).toBe("resourcequota/tight created");
    const big = await create(
      pod("too-big", {
        priorityClassName: "public-quota",
        containers: [container("main", { resources: { requests: { cpu: "2", memory: "1Gi" } } })],
      }),
    );
    expect(big.stderr.trim()).toMatch(
      /: pods "too-big" is forbidden: exceeded quota: tight, requested: requests.cpu=2,requests.memory=1Gi, used: requests.cpu=0,requests.memory=0, limited: requests.cpu=1,requests.memory=1000000000$/,
    );
  });

  it("refuses a Secret over 1 MiB", async () => {
    const out = await create({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "big" },
      data: { blob: Buffer.alloc(1024 * 1024 + 1, 97).toString("base64") },
    });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe(
      'The Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes',
    );
  });
});

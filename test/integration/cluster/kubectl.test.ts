/** The real kubectl against the local cluster: proof that it speaks enough of the Kubernetes API. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AMS, amaltheaSession } from "./ams-body.js";
import { type Clients, JS, jupyterServer, startWithClients } from "./clients.js";
import { kubectlPath, runKubectl } from "./kubectl-run.js";

// Skipped where kubectl is missing on a developer's machine; under CI (which installs it,
// .ci/run) a missing kubectl fails the file instead.
const UNDER_CI = process.env.CI === "true";

describe.runIf(kubectlPath || UNDER_CI)("kubectl against the local cluster", () => {
  let c: Clients;
  let dir: string;
  let kubeconfig: string;

  const kubectl = (...args: string[]) => runKubectl(dir, kubeconfig, args);

  beforeAll(async () => {
    if (!kubectlPath) {
      throw new Error("kubectl is not on PATH: CI must install it (.ci/run: kubernetes-client)");
    }
    dir = await mkdtemp(join(tmpdir(), "local-cluster-kubectl-"));
    kubeconfig = join(dir, "kubeconfig");
    c = await startWithClients({ timing: "instant", kubeconfigPath: kubeconfig });
    await c.custom.createNamespacedCustomObject({
      ...JS,
      namespace: "renku",
      body: jupyterServer("demo"),
    });
  });
  afterAll(async () => {
    await c.cluster.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("gets jupyterservers with the CRD's printer columns", async () => {
    const out = await kubectl("get", "jupyterservers");
    expect(out.code).toBe(0);
    const [header, row] = out.stdout.trim().split("\n");
    expect(header?.split(/\s{2,}/)).toEqual(["NAME", "IMAGE", "URL", "POD STATUS", "AGE"]);
    expect(row?.split(/\s{2,}/).slice(0, 4)).toEqual([
      "demo",
      "renku/py:3.10",
      "https://renku.example/sessions/demo",
      "Running",
    ]);
    const short = await kubectl("get", "js", "demo");
    expect(short.stdout).toContain("demo");
  });

  it("gets -o json", async () => {
    const out = await kubectl("get", "jupyterserver", "demo", "-o", "json");
    expect(out.code).toBe(0);
    const obj = JSON.parse(out.stdout) as {
      kind: string;
      status: { state: string; mainPod: { name: string } };
    };
    expect(obj.kind).toBe("JupyterServer");
    expect(obj.status.state).toBe("running");
    expect(obj.status.mainPod.name).toBe("demo-0");
  });

  it("describes a jupyterserver and a pod with its events", async () => {
    const js = await kubectl("describe", "jupyterserver", "demo");
    expect(js.code).toBe(0);
    expect(js.stdout).toMatch(/^Name:\s+demo$/m);
    expect(js.stdout).toMatch(/^Kind:\s+JupyterServer$/m);
    expect(js.stdout).toMatch(/State:\s+running/);
    const pod = await kubectl("describe", "pod", "demo-0");
    expect(pod.code).toBe(0);
    expect(pod.stdout).toMatch(/^Status:\s+Running$/m);
    expect(pod.stdout).toContain("Successfully assigned renku/demo-0 to local-node-1");
    expect(pod.stdout).toContain("Started container jupyter-server");
  });

  it("gets pods", async () => {
    const out = await kubectl("get", "pods");
    expect(out.code).toBe(0);
    const row = out.stdout
      .trim()
      .split("\n")[1]
      ?.split(/\s{2,}/);
    expect(row?.slice(0, 4)).toEqual(["demo-0", "4/4", "Running", "0"]);
  });

  it("shows logs, by container and by the default container", async () => {
    const one = await kubectl("logs", "demo-0", "-c", "jupyter-server", "--tail=1");
    expect(one.code).toBe(0);
    expect(one.stdout.trim()).toBe(
      "[I ServerApp] Jupyter Server is running at: http://127.0.0.1:8888/",
    );
    const dflt = await kubectl("logs", "demo-0");
    expect(dflt.stdout).toContain("Serving notebooks from local directory");
    const init = await kubectl("logs", "demo-0", "-c", "git-clone", "--timestamps");
    expect(init.stdout).toMatch(/^\S+Z Cloning into/m);
  });

  it("creates and applies from a manifest, with the server doing the validation", async () => {
    const manifest = join(dir, "session.yaml");
    await writeFile(
      manifest,
      [
        "apiVersion: amalthea.dev/v1alpha1",
        "kind: JupyterServer",
        "metadata: {name: from-file, namespace: renku}",
        'spec: {jupyterServer: {image: "renku/py:1"}, routing: {host: renku.example, path: /sessions/from-file}}',
        "",
      ].join("\n"),
    );
    const created = await kubectl("create", "-f", manifest);
    expect(created.stderr).toBe("");
    expect(created.stdout.trim()).toBe("jupyterserver.amalthea.dev/from-file created");
    const applied = await kubectl("apply", "-f", manifest);
    expect(applied.code).toBe(0);
    expect(applied.stdout.trim()).toBe("jupyterserver.amalthea.dev/from-file configured");
    const again = await kubectl("create", "-f", manifest);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("Error from server (AlreadyExists): error when creating");
  });

  it("deletes a jupyterserver, after which it is not found", async () => {
    const del = await kubectl("delete", "jupyterserver", "demo");
    expect(del.code).toBe(0);
    expect(del.stdout.trim()).toBe('jupyterserver.amalthea.dev "demo" deleted');
    const get = await kubectl("get", "jupyterserver", "demo");
    expect(get.code).not.toBe(0);
    expect(get.stderr).toContain(
      'Error from server (NotFound): jupyterservers.amalthea.dev "demo" not found',
    );
    const pods = await kubectl("get", "pods", "demo-0");
    expect(pods.stderr).toContain('Error from server (NotFound): pods "demo-0" not found');
  });

  it("gets amaltheasessions, ams and amss with the CRD's printer columns", async () => {
    await c.core.createNamespacedSecret({
      namespace: "renku",
      body: { metadata: { name: "lab" }, stringData: { auth: "x" } },
    });
    await c.custom.createNamespacedCustomObject({
      ...AMS,
      namespace: "renku",
      body: amaltheaSession("lab"),
    });
    for (const resource of ["amaltheasessions", "ams", "amss"]) {
      const out = await kubectl("get", resource);
      expect(out.code, out.stderr).toBe(0);
      const [header, row] = out.stdout.trim().split("\n");
      expect(header?.split(/\s{2,}/)).toEqual(["NAME", "STATUS", "READY", "TOTAL", "IDLE", "URL"]);
      expect(row?.split(/\s{2,}/)).toEqual([
        "lab",
        "Running",
        "4",
        "4",
        "false",
        "https://renku.example.org/sessions/lab/lab/",
      ]);
    }
    const json = await kubectl("get", "ams", "lab", "-o", "json");
    expect((JSON.parse(json.stdout) as { status: { state: string } }).status.state).toBe("Running");
  });

  it("shows an amaltheasession's logs, the session container by default", async () => {
    const dflt = await kubectl("logs", "lab-0");
    expect(dflt.code, dflt.stderr).toBe(0);
    expect(dflt.stdout.length).toBeGreaterThan(0);
    const proxy = await kubectl("logs", "lab-0", "-c", "oauth2-proxy");
    expect(proxy.stdout).toContain("oauth2-proxy starting");
  });

  it("reports the CRD's validation and immutability errors as kube-apiserver does", async () => {
    const patched = await kubectl(
      "patch",
      "ams",
      "lab",
      "--type",
      "merge",
      "-p",
      '{"spec":{"location":"remote"}}',
    );
    expect(patched.code).not.toBe(0);
    expect(patched.stderr).toContain(
      'The AmaltheaSession "lab" is invalid: spec.location: Invalid value: "string": location is immutable',
    );
    const manifest = join(dir, "bad-session.yaml");
    await writeFile(
      manifest,
      [
        "apiVersion: amalthea.dev/v1alpha1",
        "kind: AmaltheaSession",
        "metadata: {name: bad, namespace: renku}",
        "spec: {hibernated: false, session: {image: renku/py:1, port: 70000}}",
        "",
      ].join("\n"),
    );
    const created = await kubectl("create", "-f", manifest);
    expect(created.code).not.toBe(0);
    expect(created.stderr).toContain(
      'The AmaltheaSession "bad" is invalid: spec.session.port: Invalid value: 70000: spec.session.port in body should be less than 65530',
    );
  });

  it("hibernates and deletes an amaltheasession", async () => {
    const hib = await kubectl(
      "patch",
      "ams",
      "lab",
      "--type",
      "merge",
      "-p",
      '{"spec":{"hibernated":true}}',
    );
    expect(hib.code, hib.stderr).toBe(0);
    const row = (await kubectl("get", "ams", "lab")).stdout.trim().split("\n")[1];
    expect(row?.split(/\s{2,}/).slice(0, 2)).toEqual(["lab", "Hibernated"]);
    const del = await kubectl("delete", "ams", "lab");
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout.trim()).toBe('amaltheasession.amalthea.dev "lab" deleted');
    const get = await kubectl("get", "ams", "lab");
    expect(get.stderr).toContain(
      'Error from server (NotFound): amaltheasessions.amalthea.dev "lab" not found',
    );
  });
});

/**
 * A second real client that nobody here wrote: Debian's python3-kubernetes (22.6) drives the
 * local cluster through create (with nulls), list by label selector, watch, pod logs, merge patch
 * and delete with propagation. Each expectation is what a real kube-apiserver answers to the same
 * request. The Python side sends booleans as "True"/"False" and unset values as null, as the
 * reference service did.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCluster, startLocalCluster } from "../../local/cluster/index.js";

const SCRIPT = fileURLToPath(new URL("./python/conformance.py", import.meta.url));
// Debian's interpreter, where apt installs python3-kubernetes (not a pyenv python on PATH).
const PYTHON = "/usr/bin/python3";
const NAME = "py-conformance";

interface Observed {
  create: {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    auth: Record<string, unknown>;
    hibernated: unknown;
    tls: Record<string, unknown>;
    pvc: Record<string, unknown>;
  };
  list: {
    kind: string;
    names: string[];
    nonEmptyQuota: string[];
    pods: string[];
    podPhase: string[];
    podContainers: string[][];
  };
  watch: Array<[string, string]>;
  logs: { stamped: string[]; plain: string[]; previous: Record<string, unknown> };
  pretty: boolean;
  patch: {
    annotations: Record<string, string>;
    hibernated: boolean;
    state: string;
    pods: string[];
  };
  delete: {
    kind: string;
    deletionTimestamp: boolean;
    finalizers: string[];
    afterwards: Record<string, unknown>;
    children: string[];
  };
}

describe("python3-kubernetes against the local cluster", () => {
  let cluster: LocalCluster;
  let dir: string;
  let seen: Observed;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "local-cluster-python-"));
    const kubeconfig = join(dir, "kubeconfig");
    cluster = await startLocalCluster({ timing: "instant", kubeconfigPath: kubeconfig });
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, kubeconfig, "renku", NAME], {
      timeout: 240_000,
      env: { ...process.env, HOME: dir },
    });
    seen = JSON.parse(stdout) as Observed;
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("create: null label and annotation values are stored as empty strings", () => {
    expect(seen.create.labels).toEqual({
      "renku.io/safe-username": "pyuser",
      "renku.io/quota": "",
    });
    expect(seen.create.annotations).toEqual({
      "renku.io/username": "pyuser",
      "renku.io/hibernation": "",
    });
  });

  it("create: nulls at non-nullable fields are pruned, or defaulted where the CRD has a default", () => {
    expect(seen.create.auth).toEqual({
      token: "py-token",
      oidc: { enabled: false, authorizedEmails: [], authorizedGroups: [] },
    });
    expect(seen.create.hibernated).toBe(false);
    expect(seen.create.tls).toEqual({ enabled: false });
    expect(seen.create.pvc).toEqual({ enabled: true, mountPath: "/home/jovyan/work" });
  });

  it("lists by label selector, an empty value included, and the session's pod by its parent", () => {
    expect(seen.list.kind).toBe("JupyterServerList");
    expect(seen.list.names).toEqual([NAME]);
    expect(seen.list.nonEmptyQuota).toEqual([]);
    expect(seen.list.pods).toEqual([`${NAME}-0`]);
    expect(seen.list.podPhase).toEqual(["Running"]);
    expect(seen.list.podContainers).toEqual([["jupyter-server", "passthrough-proxy"]]);
  });

  it("watch=True streams the object (the Python watch helper decodes each event)", () => {
    expect(seen.watch).toEqual([["ADDED", NAME]]);
  });

  it("pod logs honour timestamps=True and previous=True; pretty=True indents", () => {
    expect(seen.logs.plain.length).toBeGreaterThan(0);
    expect(seen.logs.stamped).toHaveLength(seen.logs.plain.length);
    seen.logs.stamped.forEach((line, i) => {
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
      expect(line.replace(/^\S+ /, "")).toBe(seen.logs.plain[i]);
    });
    // No earlier run of the container: the kubelet's 400.
    expect(seen.logs.previous).toMatchObject({ status: 400, reason: "BadRequest", kind: "Status" });
    expect(seen.pretty).toBe(true);
  });

  it("merge-patches (null removes a key), and the operator hibernates the session", () => {
    expect(seen.patch.annotations).toMatchObject({ "renku.io/note": "x" });
    expect(seen.patch.annotations).not.toHaveProperty("renku.io/username");
    expect(seen.patch.hibernated).toBe(true);
    expect(seen.patch.state).toBe("hibernated");
    expect(seen.patch.pods).toEqual([]);
  });

  it("deletes with Foreground propagation: the object first, finalizers pending, then gone with its children", () => {
    expect(seen.delete.kind).toBe("JupyterServer");
    expect(seen.delete.deletionTimestamp).toBe(true);
    expect(seen.delete.finalizers).toEqual(
      expect.arrayContaining(["foregroundDeletion", "kopf.zalando.org/KopfFinalizerMarker"]),
    );
    expect(seen.delete.afterwards).toEqual({ status: 404, reason: "NotFound", kind: "Status" });
    expect(seen.delete.children).toEqual([]);
  });
});

/**
 * KubeConfig as the functions' bundles carry it (build/esbuild-plugins.cjs loads node:child_process
 * on first use): an exec-plugin user still gets its token from the plugin.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBundled } from "../helpers/bundled.js";

describe("the bundled KubeConfig", () => {
  it("runs an exec plugin for credentials", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nb-kc-"));
    const plugin = join(dir, "plugin.cjs");
    writeFileSync(
      plugin,
      `console.log(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1beta1", kind: "ExecCredential", status: { token: "from-plugin" } }));`,
    );
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      "current-context": "c",
      contexts: [{ name: "c", context: { cluster: "k", user: "u" } }],
      clusters: [{ name: "k", cluster: { server: "https://127.0.0.1:6443" } }],
      users: [
        {
          name: "u",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: process.execPath,
              args: [plugin],
            },
          },
        },
      ],
    };
    const out = JSON.parse(
      await runBundled(`
          import { KubeConfig } from "@kubernetes/client-node";
          const loaded = process.moduleLoadList.some((m) => m.endsWith(" child_process"));
          const kc = new KubeConfig();
          kc.loadFromString(${JSON.stringify(JSON.stringify(kubeconfig))});
          const opts = {};
          kc.applyToHTTPSOptions(opts).then(() => {
            console.log(JSON.stringify({ loaded, authorization: opts.headers.Authorization }));
          });
        `),
    );
    expect(out).toEqual({ loaded: false, authorization: "Bearer from-plugin" });
  });
});

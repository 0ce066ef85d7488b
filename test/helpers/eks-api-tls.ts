/**
 * An EKS-like Kubernetes API endpoint for the pinned-endpoint tests: HTTPS with a certificate for
 * 127.0.0.1 issued by a cluster CA of its own (made with openssl, as EKS's is its own), in front of
 * the local cluster. Like EKS's authenticator it answers 401 to anything but a `k8s-aws-v1.` bearer
 * token, and it records the tokens it saw.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "../local/registry/launcher.js";

export interface ClusterCa {
  /** Base64 of the CA's PEM: what DescribeCluster's certificateAuthority.data holds. */
  caData: string;
  /** The API server's certificate (for 127.0.0.1) and key, issued by the CA. */
  serverCert: string;
  serverKey: string;
}

/**
 * A fresh cluster CA and a server certificate it issued for 127.0.0.1. EC keys are quick to make;
 * "rsa" makes the CA as EKS does (RSA 2048, ten years), for its size.
 */
export function makeClusterCa(caKey: "ec" | "rsa" = "ec"): ClusterCa {
  const dir = mkdtempSync(join(tmpdir(), "nb-eks-ca-"));
  const openssl = (...args: string[]) =>
    execFileSync(findBinary("openssl"), args, { cwd: dir, stdio: "ignore" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  try {
    openssl(
      "req",
      "-x509",
      ...(caKey === "rsa" ? ["-newkey", "rsa:2048", "-nodes"] : ec),
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      caKey === "rsa" ? "3650" : "2",
      "-subj",
      "/CN=kubernetes",
    );
    openssl(
      "req",
      "-new",
      ...ec,
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
      "-subj",
      "/CN=kube-apiserver",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    );
    openssl(
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-days",
      "2",
      "-copy_extensions",
      "copy",
      "-out",
      "server.pem",
    );
    return {
      caData: Buffer.from(read("ca.pem")).toString("base64"),
      serverCert: read("server.pem"),
      serverKey: read("server.key"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface EksApiServer {
  /** https://127.0.0.1:<port> */
  url: string;
  /** The bearer tokens of the requests, in order. */
  tokens: string[];
  stop(): Promise<void>;
}

/** HTTPS with `ca`'s server certificate, forwarding authenticated requests to `upstream` (http). */
export async function startEksApiServer(ca: ClusterCa, upstream: string): Promise<EksApiServer> {
  const tokens: string[] = [];
  const target = new URL(upstream);
  const server = createServer({ cert: ca.serverCert, key: ca.serverKey }, (req, res) => {
    const auth = req.headers.authorization ?? "";
    tokens.push(auth.replace(/^Bearer /, ""));
    if (!auth.startsWith("Bearer k8s-aws-v1.")) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code: 401 }));
      return;
    }
    const { authorization: _token, ...headers } = req.headers;
    const out = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

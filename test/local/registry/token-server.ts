/**
 * A registry token server (distribution's token auth spec): `GET /token?service=&scope=` with
 * optional Basic credentials answers `{token}`, a JWT signed with a self-signed certificate's key
 * and carrying that certificate in its `x5c` header; the registry trusts it via `rootcertbundle`.
 * Anonymous callers get pull on public repositories, known users pull on all, the pusher push.
 * It remembers who asked for what (a hash of the password, never the password itself) at `GET /_requests`, for the tests.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importPKCS8, SignJWT } from "jose";
import { findBinary } from "./launcher.js";

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenRequestRecord {
  /** Basic username, or null for anonymous requests. */
  username: string | null;
  /** Whether the credentials were accepted. */
  authenticated: boolean;
  /** sha256 hex of the password, so tests can tell which token was sent without storing it. */
  passwordSha256: string | null;
  service: string | null;
  scopes: string[];
  granted: Access[];
}

export interface TokenServerOptions {
  service: string;
  issuer: string;
  /** username -> password; each may pull every repository. */
  readers: Record<string, string>;
  /** username -> password; may also push. */
  pushers: Record<string, string>;
  isPrivate: (repository: string) => boolean;
}

export interface TokenServer {
  /** The realm: http://127.0.0.1:<port>/token */
  realm: string;
  url: string;
  rootCertPath: string;
  /** Signs a token directly (the seeding code uses it to push). */
  mint(access: Access[], subject?: string): Promise<string>;
  requests(): TokenRequestRecord[];
  stop(): Promise<void>;
}

function parseScope(scope: string): Access | undefined {
  // repository:<name>:<actions>; names may not contain ':' but may contain '/'.
  const m = /^([a-z]+):([^:]+):([a-z*,]+)$/.exec(scope);
  if (!m) return undefined;
  return { type: m[1] as string, name: m[2] as string, actions: (m[3] as string).split(",") };
}

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const dir = await mkdtemp(join(tmpdir(), "nb-token-"));
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  execFileSync(
    findBinary("openssl"),
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath].concat([
      "-days",
      "2",
      "-subj",
      "/CN=local-token-server",
    ]),
    { stdio: "ignore" },
  );
  const key = await importPKCS8(await readFile(keyPath, "utf8"), "RS256");
  const certPem = await readFile(certPath, "utf8");
  const certDer = certPem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");

  const mint = (access: Access[], subject = "") =>
    new SignJWT({ access })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", x5c: [certDer] })
      .setIssuer(opts.issuer)
      .setAudience(opts.service)
      .setSubject(subject)
      .setIssuedAt()
      .setNotBefore(Math.floor(Date.now() / 1000) - 10)
      .setExpirationTime("5m")
      .setJti(randomUUID())
      .sign(key);

  const log: TokenRequestRecord[] = [];

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === "/_requests") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(log));
        return;
      }
      if (url.pathname !== "/token") {
        res.writeHead(404).end();
        return;
      }
      let username: string | null = null;
      let password = "";
      const auth = req.headers.authorization;
      if (auth?.toLowerCase().startsWith("basic ")) {
        const decoded = Buffer.from(auth.slice(6), "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        username = colon >= 0 ? decoded.slice(0, colon) : decoded;
        password = colon >= 0 ? decoded.slice(colon + 1) : "";
      }
      const isPusher = username !== null && opts.pushers[username] === password;
      const isReader = isPusher || (username !== null && opts.readers[username] === password);
      const scopes = url.searchParams
        .getAll("scope")
        .flatMap((s) => s.split(" "))
        .filter(Boolean);
      const record: TokenRequestRecord = {
        username,
        authenticated: isReader,
        passwordSha256:
          username === null ? null : createHash("sha256").update(password).digest("hex"),
        service: url.searchParams.get("service"),
        scopes,
        granted: [],
      };
      log.push(record);
      if (username !== null && !isReader) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] }));
        return;
      }
      for (const scope of scopes) {
        const access = parseScope(scope);
        if (access?.type !== "repository") continue;
        const actions = access.actions.filter((a) => {
          if (a === "pull") return isReader || !opts.isPrivate(access.name);
          return isPusher;
        });
        if (actions.length) record.granted.push({ ...access, actions });
      }
      const token = await mint(record.granted, username ?? "");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          token,
          access_token: token,
          expires_in: 300,
          issued_at: new Date().toISOString(),
        }),
      );
    })().catch(() => {
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    realm: `${url}/token`,
    url,
    rootCertPath: certPath,
    mint,
    requests: () => [...log],
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

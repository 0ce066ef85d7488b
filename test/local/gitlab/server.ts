/**
 * The GitLab double: node:http answering the REST v4 calls the service makes, with GitLab's
 * response shapes, pagination headers, error bodies and visibility rules, plus injectable latency
 * and faults for tests and benchmarks. Listens on 127.0.0.1 (port 0 = random, by default).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loadSeed, type Seed, type SeedUser } from "../seed.js";
import { branchEntity, commitEntity, projectEntity, userEntity } from "./entities.js";
import { GitLabState, type ProjectRecord } from "./state.js";

export type FaultKind = "500" | "503" | "429" | "hang" | "reset";

export interface FaultRule {
  method?: string;
  /** Tested against the raw request path including the query string. */
  pathPattern?: RegExp;
  /** How many matching requests it hits; unlimited when omitted. */
  times?: number;
  kind: FaultKind;
  /** For 429 (and 503): the Retry-After header to send. */
  retryAfterSeconds?: number;
}

export interface RecordedCall {
  method: string;
  /** Raw path as received, query string included (so encoding can be asserted). */
  path: string;
  /** The authenticated username, if any. */
  user?: string;
}

export interface GitLabDouble {
  url: string;
  stop(): Promise<void>;
  setLatency(ms: number): void;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  calls: RecordedCall[];
  state: GitLabState;
}

export interface GitLabDoubleOptions {
  /** Defaults to loadSeed() (test/local/seed.json or $LOCAL_SEED_FILE). */
  seed?: Seed;
  port?: number;
  latencyMs?: number;
}

class HttpError {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {}
}
const notFound = (what: string) => new HttpError(404, { message: `404 ${what} Not Found` });
const UNAUTHORIZED = new HttpError(401, { message: "401 Unauthorized" });
const FORBIDDEN = new HttpError(403, { message: "403 Forbidden" });

const READ_REPOSITORY = 20; // reporter: guests of private projects cannot read code
const PUSH = 30; // developer

interface Ctx {
  base: string;
  state: GitLabState;
  caller: SeedUser | undefined;
  query: URLSearchParams;
  rawPath: string;
}

/** The caller's effective level; administrators act as owners everywhere, as on GitLab. */
function accessLevel(project: ProjectRecord, caller: SeedUser | undefined): number {
  if (!caller) return 0;
  if (caller.admin) return 50;
  return project.members.get(caller.username)?.access_level ?? 0;
}

/** The project if the caller may see it; GitLab hides invisible projects behind a 404. */
function visibleProject(ctx: Ctx, ref: string): ProjectRecord {
  const project = ctx.state.project(ref);
  if (!project) throw notFound("Project");
  const level = accessLevel(project, ctx.caller);
  const visible =
    project.visibility === "public" ||
    (project.visibility === "internal" && ctx.caller !== undefined) ||
    level > 0;
  if (!visible) throw notFound("Project");
  return project;
}

function readableRepository(ctx: Ctx, ref: string): ProjectRecord {
  const project = visibleProject(ctx, ref);
  if (project.visibility === "private" && accessLevel(project, ctx.caller) < READ_REPOSITORY) {
    throw FORBIDDEN;
  }
  return project;
}

function matchesSearch(name: string, search: string): boolean {
  const n = name.toLowerCase();
  let s = search.toLowerCase();
  const prefix = s.startsWith("^");
  const suffix = s.endsWith("$");
  if (prefix) s = s.slice(1);
  if (suffix) s = s.slice(0, -1);
  if (prefix && suffix) return n === s;
  if (prefix) return n.startsWith(s);
  if (suffix) return n.endsWith(s);
  return n.includes(s);
}

function pageHeaders(ctx: Ctx, page: number, perPage: number, total: number) {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const link = (p: number) => {
    const q = new URLSearchParams(ctx.query);
    q.set("page", String(p));
    q.set("per_page", String(perPage));
    return `${ctx.base}${ctx.rawPath.split("?")[0]}?${q.toString()}`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${link(page - 1)}>; rel="prev"`);
  if (page < totalPages) links.push(`<${link(page + 1)}>; rel="next"`);
  links.push(`<${link(1)}>; rel="first"`, `<${link(totalPages)}>; rel="last"`);
  return {
    "x-page": String(page),
    "x-per-page": String(perPage),
    "x-next-page": page < totalPages ? String(page + 1) : "",
    "x-prev-page": page > 1 ? String(page - 1) : "",
    "x-total": String(total),
    "x-total-pages": String(totalPages),
    link: links.join(", "),
  };
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function route(method: string, segments: string[], ctx: Ctx): Answer {
  const [head, id, area, kind, ...rest] = segments;
  if (head === "user" && segments.length === 1 && method === "GET") {
    if (!ctx.caller) throw UNAUTHORIZED;
    return { status: 200, body: userEntity(ctx.base, ctx.caller) };
  }
  if (head !== "projects" || id === undefined) throw new HttpError(404, { error: "404 Not Found" });
  if (area === undefined && method === "GET") {
    return { status: 200, body: projectEntity(ctx.base, visibleProject(ctx, id), ctx.caller) };
  }
  if (area !== "repository") throw new HttpError(404, { error: "404 Not Found" });

  if (kind === "branches" && rest.length === 0 && method === "GET") {
    const project = readableRepository(ctx, id);
    const search = ctx.query.get("search") ?? "";
    const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 20) || 20));
    const page = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
    const all = [...project.branches.values()]
      .filter((b) => matchesSearch(b.name, search))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const level = accessLevel(project, ctx.caller);
    const body = all
      .slice((page - 1) * perPage, page * perPage)
      .map((b) => branchEntity(ctx.base, ctx.state, project, b, level));
    return { status: 200, body, headers: pageHeaders(ctx, page, perPage, all.length) };
  }

  if (kind === "branches" && rest.length > 0) {
    const name = rest.join("/");
    if (method === "GET") {
      const project = readableRepository(ctx, id);
      const branch = project.branches.get(name);
      if (!branch) throw notFound("Branch");
      return {
        status: 200,
        body: branchEntity(ctx.base, ctx.state, project, branch, accessLevel(project, ctx.caller)),
      };
    }
    if (method === "DELETE") {
      const project = visibleProject(ctx, id);
      if (!ctx.caller) throw UNAUTHORIZED;
      if (accessLevel(project, ctx.caller) < PUSH) throw FORBIDDEN;
      if (!project.branches.delete(name)) throw notFound("Branch");
      return { status: 204 };
    }
  }

  if (kind === "commits" && rest.length > 0 && method === "GET") {
    const project = readableRepository(ctx, id);
    const commit = ctx.state.resolve(project, rest.join("/"));
    if (!commit) throw notFound("Commit");
    return { status: 200, body: commitEntity(ctx.base, ctx.state, project, commit, true) };
  }

  if (kind === "merge_base" && rest.length === 0 && method === "GET") {
    const project = readableRepository(ctx, id);
    const refs = [...ctx.query.getAll("refs[]"), ...ctx.query.getAll("refs")];
    if (refs.length < 2) throw new HttpError(400, { message: "Provide at least 2 refs" });
    const resolved = refs.map((r) => ctx.state.resolve(project, r));
    const unknown = refs.filter((_, i) => resolved[i] === undefined);
    if (unknown.length > 0) {
      const noun = unknown.length === 1 ? "ref" : "refs";
      throw new HttpError(400, { message: `Could not find ${noun}: ${unknown.join(", ")}` });
    }
    let base = resolved[0];
    for (const next of resolved.slice(1)) {
      if (!base || !next) break;
      base = ctx.state.mergeBase(project, base.id, next.id);
    }
    if (!base) throw notFound("Merge Base");
    return { status: 200, body: commitEntity(ctx.base, ctx.state, project, base) };
  }

  throw new HttpError(404, { error: "404 Not Found" });
}

function tokenOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const match = /^bearer\s+(\S+)$/i.exec(auth.trim());
    return match?.[1] ?? auth.trim();
  }
  const pat = req.headers["private-token"];
  return typeof pat === "string" ? pat : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body !== undefined) headers["content-type"] = "application/json";
  res.writeHead(answer.status, headers);
  res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
}

export async function startGitLabDouble(opts: GitLabDoubleOptions = {}): Promise<GitLabDouble> {
  const state = new GitLabState(opts.seed ?? loadSeed());
  const calls: RecordedCall[] = [];
  let faults: FaultRule[] = [];
  let latencyMs = opts.latencyMs ?? 0;
  let base = "";
  const hung = new Set<ServerResponse>();

  const takeFault = (method: string, path: string): FaultRule | undefined => {
    const rule = faults.find(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.pathPattern === undefined || f.pathPattern.test(path)),
    );
    if (rule?.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) faults = faults.filter((f) => f !== rule);
    }
    return rule;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const method = (req.method ?? "GET").toUpperCase();
      const rawPath = req.url ?? "/";
      const token = tokenOf(req);
      const caller = token === undefined ? undefined : state.userByToken(token);
      const call: RecordedCall = { method, path: rawPath };
      if (caller) call.user = caller.username;
      calls.push(call);
      req.resume();
      if (latencyMs > 0) await sleep(latencyMs);

      const fault = takeFault(method, rawPath);
      if (fault) {
        switch (fault.kind) {
          case "hang":
            hung.add(res);
            res.on("close", () => hung.delete(res));
            return;
          case "reset":
            req.socket.destroy();
            return;
          case "429":
            res.writeHead(429, {
              "content-type": "text/plain",
              ...(fault.retryAfterSeconds === undefined
                ? {}
                : { "retry-after": String(fault.retryAfterSeconds) }),
            });
            res.end("Retry later\n");
            return;
          default: {
            const status = Number(fault.kind);
            const headers: Record<string, string> = {};
            if (fault.retryAfterSeconds !== undefined) {
              headers["retry-after"] = String(fault.retryAfterSeconds);
            }
            const text = status === 503 ? "Service Unavailable" : "Internal Server Error";
            send(res, { status, headers, body: { message: `${status} ${text}` } });
            return;
          }
        }
      }

      const [pathname = "/", search = ""] = rawPath.split("?", 2) as [string, string?];
      const segments = pathname.split("/").filter((s) => s !== "");
      try {
        if (segments[0] !== "api" || segments[1] !== "v4") {
          throw new HttpError(404, { error: "404 Not Found" });
        }
        // An unknown token is refused everywhere, even on public resources, as GitLab does.
        if (token !== undefined && !caller) throw UNAUTHORIZED;
        const decoded = segments.slice(2).map((s) => decodeURIComponent(s));
        const ctx: Ctx = { base, state, caller, query: new URLSearchParams(search), rawPath };
        send(res, route(method, decoded, ctx));
      } catch (err) {
        if (err instanceof HttpError) send(res, { status: err.status, body: err.body });
        else send(res, { status: 500, body: { message: "500 Internal Server Error" } });
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    calls,
    state,
    setLatency(ms) {
      latencyMs = ms;
    },
    injectFault(rule) {
      faults.push({ ...rule });
    },
    clearFaults() {
      faults = [];
    },
    async stop() {
      for (const res of hung) res.destroy();
      hung.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

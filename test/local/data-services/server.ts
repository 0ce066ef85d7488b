/**
 * A double of renku-data-services for the reads a v2 launch makes (v2-sessions.md 2.3), with its
 * shapes, error format and authorisation: `GET /api/data/session_launchers/{id}` (environment
 * embedded), `/projects/{id}`, `/resource_pools`, `/classes/{id}` and `/resource_pools/{id}/usage`.
 * The caller is the `sub` of the `Authorization: Bearer` JWT (not verified, as on the local stage);
 * a seeded user's `sub` is `sub-<username>`. As data-services, a missing or unreadable token makes
 * the caller anonymous rather than failing. A private project and its launchers are 404 to
 * anyone but their members; a non-public pool is invisible to anyone but its users.
 * Every call is recorded; faults can be injected.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt } from "jose";
import type { Seed, SeedDataServices } from "../seed.js";

export interface DsCall {
  method: string;
  path: string;
  /** The seeded username the token identified; undefined for anonymous callers. */
  user?: string;
  authorized: boolean;
}

export type DsFault = { kind: "status"; status: number } | { kind: "hang" } | { kind: "garbage" };

export interface DataServicesDouble {
  /** The base URL the service is configured with (NB_DATA_SERVICES__URL), ending in /api/data. */
  url: string;
  calls: DsCall[];
  data: SeedDataServices;
  /** The next `times` (default 1) calls fail this way. */
  injectFault(fault: DsFault, times?: number): void;
  /** Every answer waits this long (benchmarks: a data-services round trip). */
  setLatency(ms: number): void;
  /**
   * Answers to `path` wait until a call to `until` has arrived (tests of what a launch asks at
   * once: read one after the other, the held answer never comes and the caller times out).
   */
  holdUntilCalled(path: string, until: string): void;
  clearFaults(): void;
  /** The pools' quotas, as the cluster needs them provisioned (test/local/crc/quotas.ts). */
  quotas(): PoolQuota[];
  stop(): Promise<void>;
}

/** A pool quota as renku-data-services answers it, and as it provisions it in the cluster. */
export interface PoolQuota {
  id: string;
  cpu: number;
  memory: number;
  gpu: number;
}

const poolQuota = (id: string): PoolQuota => ({ id, cpu: 100, memory: 200, gpu: 0 });

export interface DataServicesOptions {
  seed: Seed;
  /** Replaces `{gitlab}` in the seed (the GitLab double's URL). */
  gitlabUrl?: string;
  /** Replaces `{registry}` in the seed (the registry's host). */
  registryHost?: string;
}

/** The seed with its placeholders filled in. */
function resolve(seed: Seed, opts: DataServicesOptions): SeedDataServices {
  const text = JSON.stringify(seed.data_services)
    .replaceAll("{gitlab}", opts.gitlabUrl ?? "https://gitlab.example.org")
    .replaceAll("{registry}", opts.registryHost ?? "registry.example.org");
  return JSON.parse(text) as SeedDataServices;
}

const CREATED = "2026-01-01T00:00:00Z";

function userOf(req: IncomingMessage, seed: Seed): string | undefined {
  const header = req.headers.authorization ?? "";
  const token = /^bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!token) return undefined;
  try {
    const sub = decodeJwt(token).sub;
    return seed.users.find((u) => `sub-${u.username}` === sub)?.username;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
const error = (res: ServerResponse, status: number, message: string) =>
  send(res, status, { error: { code: 1000 + status, message } });
const projectMissing = (res: ServerResponse, id: string) =>
  error(res, 404, `Project with id '${id}' does not exist or you do not have access to it.`);

export async function startDataServicesDouble(
  opts: DataServicesOptions,
): Promise<DataServicesDouble> {
  const data = resolve(opts.seed, opts);
  const calls: DsCall[] = [];
  const faults: DsFault[] = [];
  let latencyMs = 0;
  const holds: { path: string; until: string; arrived: Promise<void>; release: () => void }[] = [];

  const canSeeProject = (id: string, user: string | undefined) => {
    const project = data.projects.find((p) => p.id === id);
    if (!project) return undefined;
    if (project.visibility === "public") return project;
    return user !== undefined && project.members.includes(user) ? project : undefined;
  };
  const pools = (user: string | undefined) =>
    data.resource_pools.filter((p) => p.public || (user !== undefined && p.users.includes(user)));

  const renderProject = (p: SeedDataServices["projects"][number]) => ({
    id: p.id,
    name: p.name,
    namespace: p.namespace,
    slug: p.slug,
    creation_date: CREATED,
    created_by: `sub-${p.members[0] ?? "renku"}`,
    repositories: p.repositories,
    visibility: p.visibility,
    description: "",
    keywords: [],
    secrets_mount_directory: p.secrets_mount_directory,
    is_template: false,
  });
  const renderLauncher = (l: SeedDataServices["launchers"][number]) => ({
    id: l.id,
    project_id: l.project_id,
    name: l.name,
    creation_date: CREATED,
    description: "",
    launcher_type: l.launcher_type,
    resource_class_id: l.resource_class_id,
    disk_storage: l.disk_storage,
    env_variables: l.env_variables,
    environment: {
      ...l.environment,
      creation_date: CREATED,
      environment_kind: "GLOBAL",
      environment_image_source: "image",
      is_archived: false,
    },
  });
  const renderPool = (p: SeedDataServices["resource_pools"][number]) => ({
    id: p.id,
    name: p.name,
    public: p.public,
    default: p.default,
    platform: "linux/amd64",
    ...(p.quota ? { quota: poolQuota(p.quota) } : {}),
    ...(p.idle_threshold !== undefined ? { idle_threshold: p.idle_threshold } : {}),
    ...(p.hibernation_threshold !== undefined
      ? { hibernation_threshold: p.hibernation_threshold }
      : {}),
    ...(p.cpu_limit_factor !== undefined ? { cpu_limit_factor: p.cpu_limit_factor } : {}),
    ...(p.remote ? { remote: { kind: "firecrest", provider_id: "hpc" } } : {}),
    classes: p.classes.map((c) => ({
      ...c,
      node_affinities: c.node_affinities,
      tolerations: c.tolerations,
      matching: true,
    })),
  });

  const route = (req: IncomingMessage, res: ServerResponse, path: string, user?: string) => {
    let m = /^\/api\/data\/session_launchers\/([^/]+)\/?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1] as string);
      const launcher = data.launchers.find((l) => l.id === id);
      if (!launcher || !canSeeProject(launcher.project_id, user))
        return error(
          res,
          404,
          `Session launcher with id '${id}' does not exist or you do not have access to it.`,
        );
      return send(res, 200, renderLauncher(launcher));
    }
    m = /^\/api\/data\/projects\/([^/]+)\/(data_connector_links|session_secrets)\/?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1] as string);
      const project = canSeeProject(id, user);
      if (!project) return projectMissing(res, id);
      if (m[2] === "data_connector_links")
        return send(
          res,
          200,
          project.data_connectors.map((dc, i) => ({
            id: `01JDV2L1NK${String(i).padStart(16, "0")}`,
            data_connector_id: dc,
            project_id: id,
            creation_date: CREATED,
            created_by: "sub-renku",
          })),
        );
      const mine = user !== undefined && project.session_secrets.includes(user);
      return send(
        res,
        200,
        mine
          ? [
              {
                secret_slot: {
                  id: "01JDV2S10T0000000000000001",
                  project_id: id,
                  name: "token",
                  filename: "token",
                },
                secret_id: "01JDV2SECRET00000000000001",
              },
            ]
          : [],
      );
    }
    m = /^\/api\/data\/projects\/([^/]+)\/?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1] as string);
      const project = canSeeProject(id, user);
      if (!project) return projectMissing(res, id);
      return send(res, 200, renderProject(project));
    }
    if (/^\/api\/data\/resource_pools\/?$/.test(path))
      return send(res, 200, pools(user).map(renderPool));
    m = /^\/api\/data\/classes\/(\d+)\/?$/.exec(path);
    if (m) {
      const id = Number(m[1]);
      const found = pools(user)
        .flatMap((p) => p.classes)
        .find((c) => c.id === id);
      if (!found) return error(res, 404, `The resource class with id ${id} does not exist.`);
      return send(res, 200, found);
    }
    m = /^\/api\/data\/resource_pools\/(\d+)\/usage\/?$/.exec(path);
    if (m) {
      const id = Number(m[1]);
      const pool = pools(user).find((p) => p.id === id);
      if (!pool) return error(res, 404, `The resource pool with id ${id} does not exist`);
      const usage = pool.usage ?? { user_limit: 0, total_limit: 0, costs: {} };
      const mine = user === undefined ? 0 : (usage.costs[user] ?? 0);
      const total = Object.values(usage.costs).reduce((a, b) => a + b, 0);
      return send(res, 200, {
        total_usage: { runtime: total / 10, cost: total },
        user_usage: { runtime: mine / 10, cost: mine },
        pool_limits: { pool_id: id, total_limit: usage.total_limit, user_limit: usage.user_limit },
      });
    }
    return error(res, 404, `Requested URL ${req.url ?? path} not found`);
  };

  const server = createServer(async (req, res) => {
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const user = userOf(req, opts.seed);
    calls.push({
      method: req.method ?? "GET",
      path,
      ...(user ? { user } : {}),
      authorized: req.headers.authorization !== undefined,
    });
    for (const h of holds) if (h.until === path) h.release();
    for (const h of holds) if (h.path === path) await h.arrived;
    const fault = faults.shift();
    if (fault?.kind === "hang") return;
    if (fault?.kind === "garbage") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end("{not json");
    }
    if (fault?.kind === "status") return error(res, fault.status, "Injected fault");
    if (req.method !== "GET") return error(res, 405, "Method not allowed");
    route(req, res, path, user);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/data`,
    calls,
    data,
    injectFault(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    holdUntilCalled(path, until) {
      let release = () => {};
      const arrived = new Promise<void>((r) => {
        release = r;
      });
      holds.push({ path, until, arrived, release });
    },
    clearFaults() {
      faults.length = 0;
      for (const h of holds.splice(0)) h.release();
    },
    quotas: () =>
      [...new Set(data.resource_pools.flatMap((p) => (p.quota ? [p.quota] : [])))].map(poolQuota),
    stop: () =>
      new Promise<void>((r) => {
        for (const h of holds.splice(0)) h.release();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

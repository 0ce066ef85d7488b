/**
 * The kubelet's image pull, for registries the local cluster is told to pull from for real
 * (LocalCluster.pullFrom): the image's manifest is fetched from the registry with the credentials
 * of the pod's imagePullSecrets (kubernetes.io/dockerconfigjson), answering its 401 challenge as
 * containerd does (Bearer: a token from the realm with Basic credentials; Basic: the credentials).
 * Anything but a manifest is the pull's failure, in the words the kubelet's event uses.
 */
import { Buffer } from "node:buffer";

export type PullResult = { ok: true } | { ok: false; message: string };

interface Credential {
  username: string;
  password: string;
}

const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** The credentials for `host` in the pull secrets' `.dockerconfigjson` values (base64). */
export function credentialsFor(host: string, dockerConfigs: string[]): Credential[] {
  const found: Credential[] = [];
  for (const raw of dockerConfigs) {
    let config: { auths?: Record<string, Record<string, string>> };
    try {
      config = JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
    } catch {
      continue;
    }
    const entry = config.auths?.[host] ?? config.auths?.[`http://${host}`];
    if (!entry) continue;
    if (entry.auth) {
      const [username = "", ...rest] = Buffer.from(entry.auth, "base64")
        .toString("utf8")
        .split(":");
      found.push({ username, password: rest.join(":") });
    } else {
      const username = entry.Username ?? entry.username;
      const password = entry.Password ?? entry.password;
      if (username !== undefined && password !== undefined) found.push({ username, password });
    }
  }
  return found;
}

const basic = (c: Credential) =>
  `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;

function challenge(header: string | null): { scheme: string; params: Record<string, string> } {
  const [scheme = "", rest = ""] = (header ?? "").split(/\s+(.*)/s);
  const params: Record<string, string> = {};
  for (const m of rest.matchAll(/(\w+)="([^"]*)"/g)) params[m[1] as string] = m[2] as string;
  return { scheme: scheme.toLowerCase(), params };
}

/** Pulls `host/repository:tag` (the manifest) over plain http, as the local registries serve. */
export async function pullImage(image: string, dockerConfigs: string[]): Promise<PullResult> {
  const slash = image.indexOf("/");
  const host = image.slice(0, slash);
  const rest = image.slice(slash + 1);
  const at = rest.lastIndexOf(":");
  const [repository, tag] = at > 0 ? [rest.slice(0, at), rest.slice(at + 1)] : [rest, "latest"];
  const url = `http://${host}/v2/${repository}/manifests/${tag}`;
  const get = (authorization?: string) =>
    fetch(url, { headers: { accept: ACCEPT, ...(authorization ? { authorization } : {}) } });
  const failed = (status: number, why: string): PullResult => ({
    ok: false,
    message: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${why} (${status})`,
  });
  let res = await get();
  if (res.ok) return { ok: true };
  if (res.status !== 401) return failed(res.status, `${host}/${repository}:${tag}: not found`);
  const { scheme, params } = challenge(res.headers.get("www-authenticate"));
  for (const cred of [undefined, ...credentialsFor(host, dockerConfigs)]) {
    let authorization: string | undefined;
    if (scheme === "bearer" && params.realm) {
      const q = new URLSearchParams({ service: params.service ?? "", scope: params.scope ?? "" });
      const t = await fetch(`${params.realm}?${q}`, {
        headers: cred ? { authorization: basic(cred) } : {},
      });
      if (!t.ok) continue;
      const body = (await t.json()) as { token?: string; access_token?: string };
      authorization = `Bearer ${body.token ?? body.access_token}`;
    } else if (scheme === "basic" && cred) authorization = basic(cred);
    else continue;
    res = await get(authorization);
    if (res.ok) return { ok: true };
  }
  return failed(
    res.status,
    "pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials",
  );
}

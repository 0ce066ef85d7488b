/**
 * Container image references (docs/spec.md 7.1), parsed with Docker's own grammar:
 *   [host[:port]/]path[/path...][:tag][@digest]
 *
 * Decision on what counts as a host: the first path component is a registry host when it has a
 * dot, a port, or is exactly "localhost" (Docker's rule). 7.1 says "the host must contain a dot";
 * we also accept "host:port" (so 127.0.0.1:5000 and localhost:5000 are hosts, as a user of Docker
 * expects) and bracketed IPv6 literals. Without a host the image lives on Docker Hub, and a
 * single-component name gets the "library/" namespace. Path components must be lower case, as
 * registries refuse anything else; such a name could never exist, so it is a parse error.
 */
import { imageParseError } from "../errors.js";

export const DOCKER_HUB = "registry-1.docker.io";
const HUB_ALIASES = new Set(["docker.io", "index.docker.io", DOCKER_HUB]);

export interface ImageRef {
  /** Registry host as written (lower-cased), with its port when one was given: "quay.io", "127.0.0.1:5000". */
  host: string;
  /** Host name without the port (IPv6 without brackets). */
  hostname: string;
  port: number | undefined;
  /** Repository path inside the registry: "library/nginx", "group/sub/project". */
  repository: string;
  /** The tag, or the digest for digest references (7.1 keeps "sha256:..." as the tag). */
  tag: string;
  digest: string | undefined;
  /** What the manifest endpoint is asked for: the digest when there is one, else the tag. */
  reference: string;
  /** The input, trimmed. */
  original: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[([0-9a-fA-F:.]+)\]$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const MAX_NAME = 255;

function parseHost(candidate: string): { hostname: string; port: number | undefined } | undefined {
  let hostPart = candidate;
  let port: number | undefined;
  const portMatch = /^(.*):(\d{1,5})$/.exec(candidate);
  if (portMatch) {
    hostPart = portMatch[1] as string;
    port = Number(portMatch[2]);
    if (port < 1 || port > 65535) return undefined;
  }
  const v6 = IPV6_HOST.exec(hostPart);
  if (v6) return { hostname: (v6[1] as string).toLowerCase(), port };
  const labels = hostPart.split(".");
  if (!labels.every((l) => DOMAIN_COMPONENT.test(l))) return undefined;
  return { hostname: hostPart.toLowerCase(), port };
}

const looksLikeHost = (component: string) =>
  component.includes(".") || component.includes(":") || component === "localhost";

/** Parses an image reference; anything else is a 422 ImageParseError (code 1002). */
export function parseImageRef(input: string): ImageRef {
  const original = input.trim();
  const fail = () => imageParseError(original);
  if (original === "" || original.length > 512 || /\s/.test(original)) throw fail();

  let rest = original;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw fail();
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw fail();
  }

  const parts = rest.split("/");
  let host = DOCKER_HUB;
  let hostname = DOCKER_HUB;
  let port: number | undefined;
  const first = parts[0] as string;
  if (parts.length > 1 && looksLikeHost(first)) {
    const parsed = parseHost(first);
    if (!parsed) throw fail();
    parts.shift();
    hostname = parsed.hostname;
    port = parsed.port;
    const shown = hostname.includes(":") ? `[${hostname}]` : hostname;
    host = port === undefined ? shown : `${shown}:${port}`;
    if (HUB_ALIASES.has(host)) {
      host = DOCKER_HUB;
      hostname = DOCKER_HUB;
    }
  }
  if (parts.length === 0 || !parts.every((p) => PATH_COMPONENT.test(p))) throw fail();
  if (host === DOCKER_HUB && parts.length === 1) parts.unshift("library");
  const repository = parts.join("/");
  if (repository.length > MAX_NAME) throw fail();

  const shownTag = digest ?? tag ?? "latest";
  return {
    host,
    hostname,
    port,
    repository,
    tag: shownTag,
    digest,
    reference: digest ?? tag ?? "latest",
    original,
  };
}

/** The canonical form: host/repository:tag or host/repository@digest. */
export function formatImageRef(ref: ImageRef): string {
  return ref.digest
    ? `${ref.host}/${ref.repository}@${ref.digest}`
    : `${ref.host}/${ref.repository}:${ref.tag}`;
}

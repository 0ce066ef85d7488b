/**
 * The SSRF guard of D15: before any registry request (manifests, blobs, token realms, redirects)
 * the host is resolved, every address is classified, and the request is refused unless all are
 * public unicast addresses or the host is on the allow-list. The caller then connects to the
 * address that was checked (see http.ts), so a second DNS answer cannot swap in another one.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { AppError } from "../errors.js";
import { once } from "../util/once.js";

export type Lookup = (hostname: string) => Promise<string[]>;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export const defaultLookup: Lookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * IANA special-purpose IPv6 blocks that ipaddr.js calls plain "unicast" (or, for the local-use
 * NAT64 prefix, "rfc6052"), checked after its own ranges. Anything outside 2000::/3 is refused too.
 */
// Parsed on the first check, not at import: most cold starts never check a registry host.
const ranges = once(() => ({
  special: (
    [
      // IPv4-compatible (deprecated): ::7f00:1 is 127.0.0.1 to a stack that still routes it.
      ["::/96", "ipv4Compatible"],
      ["::ffff:0:0:0/96", "ipv4Translated"],
      ["64:ff9b:1::/48", "nat64LocalUse"],
      ["2001::/23", "ietfProtocolAssignments"],
      ["2001:db8::/32", "documentation"],
      ["3fff::/20", "documentation"],
      ["2002::/16", "6to4"],
      ["5f00::/16", "segmentRouting"],
      ["100::/64", "discard"],
    ] as const
  ).map(([cidr, name]): [ipaddr.IPv6, number, string] => {
    const [address, bits] = ipaddr.IPv6.parseCIDR(cidr);
    return [address, bits, name];
  }),
  globalUnicast: ipaddr.IPv6.parseCIDR("2000::/3"),
  nat64WellKnown: ipaddr.IPv6.parseCIDR("64:ff9b::/96"),
}));

/** Why an address is not public ("loopback", "linkLocal", "private", ...), or undefined when it is. */
export function nonPublicRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return "invalid";
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it carries.
  const ip = ipaddr.process(address);
  if (ip.kind() === "ipv4") {
    const range = ip.range();
    return range === "unicast" ? undefined : range;
  }
  const v6 = ip as ipaddr.IPv6;
  const { special, globalUnicast, nat64WellKnown } = ranges();
  if (v6.match(nat64WellKnown)) {
    // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address: judge that one (IPv6-only networks
    // resolve public IPv4 hosts into this prefix through DNS64).
    return nonPublicRange(v6.toByteArray().slice(-4).join("."));
  }
  const range = v6.range();
  if (range !== "unicast" && range !== "rfc6052") return range;
  for (const [block, bits, name] of special) if (v6.match(block, bits)) return name;
  if (!v6.match(globalUnicast)) return "notGlobalUnicast";
  return undefined;
}

/** 422 for an image whose registry (or token realm, or redirect) would reach a non-public address. */
export const blockedHostError = (host: string, range: string) =>
  new AppError(
    422,
    1000,
    `The image cannot be checked: the registry host ${host} resolves to a non-public address.`,
    {
      detail: `Requests to ${range} addresses are refused unless the host is allow-listed (NB_REGISTRY__ALLOWED_HOSTS).`,
    },
  );

/** The host does not resolve at all. */
export class HostNotFoundError extends Error {
  // Minified bundles rename classes; tools that print constructor.name must see this one.
  static {
    Object.defineProperty(HostNotFoundError, "name", { value: "HostNotFoundError" });
  }
  constructor(
    readonly host: string,
    options: { cause?: unknown } = {},
  ) {
    super(`host ${host} not found`, options);
    this.name = "HostNotFoundError";
  }
}

export interface GuardOptions {
  /** "host" or "host:port" entries, matched case-insensitively. */
  allowedHosts: readonly string[];
  lookup?: Lookup;
}

export interface Guard {
  /** The address to connect to for this URL, or a 422 AppError when it is refused. */
  resolve(url: URL): Promise<ResolvedAddress>;
  isAllowListed(url: URL): boolean;
}

const unbracket = (hostname: string) => hostname.replace(/^\[(.*)\]$/, "$1");

/** The port a URL really connects to, for allow-list entries written with a port. */
const effectivePort = (url: URL) => url.port || (url.protocol === "http:" ? "80" : "443");

export function createGuard(opts: GuardOptions): Guard {
  const allowed = new Set(opts.allowedHosts.map((h) => h.trim().toLowerCase()).filter(Boolean));
  const lookup = opts.lookup ?? defaultLookup;

  const isAllowListed = (url: URL) => {
    const hostname = url.hostname.toLowerCase();
    return (
      allowed.has(hostname) ||
      allowed.has(unbracket(hostname)) ||
      allowed.has(`${hostname}:${effectivePort(url)}`)
    );
  };

  return {
    isAllowListed,
    async resolve(url) {
      const hostname = unbracket(url.hostname.toLowerCase());
      const listed = isAllowListed(url);
      let addresses: string[];
      if (ipaddr.isValid(hostname)) addresses = [hostname];
      else {
        try {
          addresses = await lookup(hostname);
        } catch (cause) {
          const code = (cause as { code?: string }).code;
          if (code === "ENOTFOUND" || code === "ENODATA")
            throw new HostNotFoundError(hostname, { cause });
          throw cause;
        }
        if (addresses.length === 0) throw new HostNotFoundError(hostname);
      }
      // Every answer must pass, not just the first: the connection may use any of them.
      if (!listed) {
        for (const address of addresses) {
          const range = nonPublicRange(address);
          if (range) throw blockedHostError(url.host, range);
        }
      }
      const first = addresses[0] as string;
      const parsed = ipaddr.parse(first);
      const address = parsed.kind() === "ipv6" ? ipaddr.process(first).toString() : first;
      return { address, family: address.includes(":") ? 6 : 4 };
    },
  };
}

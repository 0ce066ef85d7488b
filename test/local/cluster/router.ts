/** Splits a Kubernetes REST path into its parts. */

export type Route =
  | { kind: "version" }
  | { kind: "api" }
  | { kind: "apis" }
  | { kind: "group"; group: string }
  | { kind: "resources"; group: string; version: string }
  | {
      kind: "object";
      group: string;
      version: string;
      resource: string;
      namespace?: string;
      name?: string;
      subresource?: string;
      /** What follows `.../proxy` of a service proxy request. */
      proxyPath?: string;
    }
  | { kind: "unknown" };

export function route(pathname: string): Route {
  const segs = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (segs.length === 1 && segs[0] === "version") return { kind: "version" };
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === "api") {
    if (segs.length === 1) return { kind: "api" };
    group = "";
    version = segs[1] as string;
    rest = segs.slice(2);
  } else if (segs[0] === "apis") {
    if (segs.length === 1) return { kind: "apis" };
    if (segs.length === 2) return { kind: "group", group: segs[1] as string };
    group = segs[1] as string;
    version = segs[2] as string;
    rest = segs.slice(3);
  } else return { kind: "unknown" };
  if (rest.length === 0) return { kind: "resources", group, version };
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const r: Route = {
      kind: "object",
      group,
      version,
      namespace: rest[1] as string,
      resource: rest[2] as string,
    };
    if (rest[3] !== undefined) r.name = rest[3];
    if (rest[4] !== undefined) r.subresource = rest[4];
    if (rest[4] === "proxy") r.proxyPath = `/${rest.slice(5).join("/")}`;
    else if (rest.length > 5) return { kind: "unknown" };
    return r;
  }
  const r: Route = { kind: "object", group, version, resource: rest[0] as string };
  if (rest[1] !== undefined) r.name = rest[1];
  if (rest[2] !== undefined) r.subresource = rest[2];
  if (rest.length > 3) return { kind: "unknown" };
  return r;
}

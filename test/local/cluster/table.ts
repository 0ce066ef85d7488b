/** Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for. */
import type { PrinterColumn } from "./crd-schema.js";
import type { KObject, ResourceDef } from "./types.js";

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** kubectl's short age: 45s, 5m10s, 3h, 12d. */
export function age(from: string | undefined, now: Date): string {
  if (!from) return "<unknown>";
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ""}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ""}`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function jsonPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.replace(/^\./, "").split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

type State = {
  waiting?: { reason?: string };
  running?: object;
  terminated?: { reason?: string; exitCode?: number };
};
interface CS {
  ready?: boolean;
  restartCount?: number;
  state?: State;
}

/** The STATUS column kubectl shows for a pod (Init:0/3, PodInitializing, CrashLoopBackOff, Running...). */
export function podStatusReason(pod: KObject): string {
  const status = (pod.status ?? {}) as {
    phase?: string;
    initContainerStatuses?: CS[];
    containerStatuses?: CS[];
    conditions?: Array<{ reason?: string }>;
  };
  let reason = status.phase ?? "Pending";
  const inits = status.initContainerStatuses ?? [];
  let initializing = false;
  for (const [i, c] of inits.entries()) {
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (t) reason = `Init:${t.reason || `ExitCode:${t.exitCode}`}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== "PodInitializing")
      reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${inits.length}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    for (const c of [...(status.containerStatuses ?? [])].reverse()) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated)
        reason = c.state.terminated.reason ?? `ExitCode:${c.state.terminated.exitCode}`;
    }
  }
  if (pod.metadata.deletionTimestamp) reason = "Terminating";
  return reason;
}

function col(name: string, type = "string", description = "", format = "", priority = 0): Column {
  return { name, type, format, description, priority };
}

export function toTable(
  def: ResourceDef,
  items: KObject[],
  now: Date,
  printerColumns: PrinterColumn[],
  listMeta: object,
  includeObject: string,
): object {
  let columns: Column[];
  let cells: (o: KObject) => unknown[];
  const nameCol = col("Name", "string", "Name must be unique within a namespace.", "name");
  const ageCol = col(
    "Age",
    "string",
    "CreationTimestamp is a timestamp representing the server time when this object was created.",
  );
  if (def.custom) {
    columns = [
      nameCol,
      ...printerColumns.map((c) =>
        col(c.name, c.type === "date" ? "date" : c.type, c.description ?? "", "", c.priority ?? 0),
      ),
    ];
    cells = (o) => [
      o.metadata.name,
      ...printerColumns.map((c) => {
        const v = jsonPath(o, c.jsonPath);
        if (c.type === "date") return age(typeof v === "string" ? v : undefined, now);
        if (v === undefined || v === null) return null;
        // kube-apiserver prints a `string` column's value as text (AmaltheaSession's Ready is one).
        if (c.type === "string" && typeof v !== "string")
          return typeof v === "object" ? JSON.stringify(v) : String(v);
        return v;
      }),
    ];
  } else if (def.resource === "pods") {
    columns = [
      nameCol,
      col("Ready"),
      col("Status"),
      col("Restarts"),
      ageCol,
      col("IP", "string", "", "", 1),
      col("Node", "string", "", "", 1),
    ];
    cells = (o) => {
      const cs = ((o.status as { containerStatuses?: CS[] } | undefined)?.containerStatuses ??
        []) as CS[];
      const total = ((o.spec as { containers?: unknown[] } | undefined)?.containers ?? []).length;
      const restarts = cs.reduce((n, c) => n + (c.restartCount ?? 0), 0);
      return [
        o.metadata.name,
        `${cs.filter((c) => c.ready).length}/${total}`,
        podStatusReason(o),
        String(restarts),
        age(o.metadata.creationTimestamp, now),
        (o.status as { podIP?: string })?.podIP ?? "<none>",
        (o.spec as { nodeName?: string } | undefined)?.nodeName ?? "<none>",
      ];
    };
  } else if (def.resource === "events") {
    columns = [col("Last Seen"), col("Type"), col("Reason"), col("Object"), col("Message")];
    cells = (o) => {
      const io = o.involvedObject as { kind?: string; name?: string };
      return [
        age(o.lastTimestamp as string, now),
        o.type,
        o.reason,
        `${String(io.kind).toLowerCase()}/${io.name}`,
        o.message,
      ];
    };
  } else if (def.resource === "namespaces") {
    columns = [nameCol, col("Status"), ageCol];
    cells = (o) => [
      o.metadata.name,
      (o.status as { phase?: string })?.phase ?? "Active",
      age(o.metadata.creationTimestamp, now),
    ];
  } else {
    columns = [nameCol, ageCol];
    cells = (o) => [o.metadata.name, age(o.metadata.creationTimestamp, now)];
  }
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: columns,
    rows: items.map((o) => ({
      cells: cells(o),
      object:
        includeObject === "Object"
          ? o
          : includeObject === "None"
            ? undefined
            : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
    })),
  };
}

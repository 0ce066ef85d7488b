/**
 * The PodSpec rules of kube-apiserver's validation that the objects we or the simulated operators
 * write can break: container names, ports, env names, mounts, resources, affinity, tolerations.
 */
import { dns1123LabelErrors } from "../names.js";
import type { StatusCause } from "../status.js";
import { duplicate, invalidValue, notFoundValue, notSupported, required } from "./field.js";
import { QUANTITY_FORMAT, quantityValue } from "./quantity.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** A quantity the decoder cannot read: the whole request is a 400, not a 422. */
export class QuantityDecodeError extends Error {
  constructor() {
    super(QUANTITY_FORMAT);
  }
}

const ENV_NAME =
  "a valid environment variable name must consist only of printable ASCII characters other than '='";

function portNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(name))
    errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(name)) errs.push("must contain at least one letter (a-z)");
  if (name.includes("--")) errs.push("must not contain consecutive hyphens");
  if (name.startsWith("-") || name.endsWith("-")) errs.push("must not begin or end with a hyphen");
  return errs;
}

function resourceCauses(resources: unknown, path: string): StatusCause[] {
  if (!isObj(resources)) return [];
  const causes: StatusCause[] = [];
  const values: Record<"limits" | "requests", Record<string, number>> = {
    limits: {},
    requests: {},
  };
  for (const kind of ["limits", "requests"] as const) {
    const map = resources[kind];
    if (!isObj(map)) continue;
    for (const [name, q] of Object.entries(map)) {
      const v = quantityValue(q);
      if (v === undefined) throw new QuantityDecodeError();
      values[kind][name] = v;
      if (v < 0)
        causes.push(
          invalidValue(`${path}.${kind}[${name}]`, String(q), "must be greater than or equal to 0"),
        );
    }
  }
  const limits = resources.limits as Obj | undefined;
  const requests = resources.requests as Obj | undefined;
  for (const [name, v] of Object.entries(values.requests)) {
    const limit = values.limits[name];
    if (limit !== undefined && v > limit)
      causes.push(
        invalidValue(
          `${path}.requests`,
          String(requests?.[name]),
          `must be less than or equal to ${name} limit of ${String(limits?.[name])}`,
        ),
      );
  }
  return causes;
}

function containerCauses(c: Obj, path: string, volumes: Set<string>): StatusCause[] {
  const causes: StatusCause[] = [];
  const ports = new Set<string>();
  list(c.ports).forEach((p, i) => {
    const name = p.name;
    if (typeof name !== "string" || name === "") return;
    const errs = portNameErrors(name);
    for (const e of errs) causes.push(invalidValue(`${path}.ports[${i}].name`, name, e));
    if (!errs.length && ports.has(name)) causes.push(duplicate(`${path}.ports[${i}].name`, name));
    ports.add(name);
  });
  list(c.env).forEach((e, i) => {
    const name = e.name;
    if (typeof name !== "string" || name === "")
      causes.push(required(`${path}.env[${i}].name`, ""));
    else if (!/^[\x20-\x3c\x3e-\x7e]+$/.test(name))
      causes.push(invalidValue(`${path}.env[${i}].name`, name, ENV_NAME));
  });
  list(c.volumeMounts).forEach((m, i) => {
    if (typeof m.name === "string" && !volumes.has(m.name))
      causes.push(notFoundValue(`${path}.volumeMounts[${i}].name`, m.name));
  });
  causes.push(...resourceCauses(c.resources, `${path}.resources`));
  return causes;
}

function affinityCauses(affinity: unknown, path: string): StatusCause[] {
  const node = isObj(affinity) ? affinity.nodeAffinity : undefined;
  if (!isObj(node)) return [];
  const causes: StatusCause[] = [];
  const req = node.requiredDuringSchedulingIgnoredDuringExecution;
  const nodePath = `${path}.nodeAffinity`;
  if (isObj(req) && list(req.nodeSelectorTerms).length === 0)
    causes.push(
      required(
        `${nodePath}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`,
        "must have at least one node selector term",
      ),
    );
  list(node.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
    const w = t.weight;
    if (typeof w !== "number" || w < 1 || w > 100)
      causes.push(
        invalidValue(
          `${nodePath}.preferredDuringSchedulingIgnoredDuringExecution[${i}].weight`,
          w ?? 0,
          "must be in the range 1-100",
        ),
      );
  });
  return causes;
}

function tolerationCauses(tolerations: unknown, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  list(tolerations).forEach((t, i) => {
    const at = `${path}[${i}]`;
    const op = t.operator ?? "";
    if (op !== "" && op !== "Equal" && op !== "Exists")
      causes.push(notSupported(`${at}.operator`, op, ["Equal", "Exists"]));
    if (op === "Exists" && typeof t.value === "string" && t.value !== "")
      causes.push(
        invalidValue(`${at}.operator`, t.value, "value must be empty when `operator` is 'Exists'"),
      );
    const effect = t.effect ?? "";
    if (effect !== "" && !["NoSchedule", "PreferNoSchedule", "NoExecute"].includes(String(effect)))
      causes.push(
        notSupported(`${at}.effect`, effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"]),
      );
  });
  return causes;
}

/** The causes kube-apiserver gives for a PodSpec at `path` ("spec" or "spec.template.spec"). */
export function podSpecCauses(spec: unknown, path: string): StatusCause[] {
  if (!isObj(spec)) return [];
  const causes: StatusCause[] = [];
  const volumes = new Set(
    list(spec.volumes).flatMap((v) => (typeof v.name === "string" ? [v.name] : [])),
  );
  const names = new Set<string>();
  for (const kind of ["initContainers", "containers"] as const) {
    list(spec[kind]).forEach((c, i) => {
      const at = `${path}.${kind}[${i}]`;
      const name = c.name;
      if (typeof name !== "string" || name === "") causes.push(required(`${at}.name`, ""));
      else {
        const errs = dns1123LabelErrors(name);
        for (const e of errs) causes.push(invalidValue(`${at}.name`, name, e));
        if (!errs.length && names.has(name)) causes.push(duplicate(`${at}.name`, name));
        names.add(name);
      }
      causes.push(...containerCauses(c, at, volumes));
    });
  }
  causes.push(...affinityCauses(spec.affinity, `${path}.affinity`));
  causes.push(...tolerationCauses(spec.tolerations, `${path}.tolerations`));
  return causes;
}

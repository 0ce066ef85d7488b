/**
 * kube-apiserver's validation of the built-in kinds, for the fields we or the simulated operators
 * write. Custom kinds are validated against their CRD elsewhere.
 */
import { badRequest, type StatusCause } from "../status.js";
import type { ResourceDef } from "../types.js";
import { invalidValue } from "./field.js";
import { podSpecCauses, QuantityDecodeError } from "./pod-spec.js";
import { annotationsCauses, configMapCauses, secretCauses } from "./size.js";

type Obj = Record<string, unknown>;

const POD_SPEC_AT: Record<string, { path: string; get: (o: Obj) => unknown }> = {
  pods: { path: "spec", get: (o) => o.spec },
  statefulsets: {
    path: "spec.template.spec",
    get: (o) => ((o.spec as Obj | undefined)?.template as Obj | undefined)?.spec,
  },
};

/** The causes of a 422 for this object; throws the decoder's 400 for an unreadable quantity. */
export function builtInCauses(def: ResourceDef, obj: Obj): StatusCause[] {
  const causes = annotationsCauses((obj.metadata ?? {}) as Obj);
  if (def.custom) return causes;
  if (def.resource === "secrets") causes.push(...secretCauses(obj));
  if (def.resource === "configmaps") causes.push(...configMapCauses(obj));
  if (def.resource === "ingresses") causes.push(...ingressClassCauses(obj));
  const at = POD_SPEC_AT[def.resource];
  if (at)
    try {
      causes.push(...podSpecCauses(at.get(obj), at.path));
    } catch (err) {
      if (!(err instanceof QuantityDecodeError)) throw err;
      throw badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${err.message}`,
      );
    }
  return causes;
}

/** The deprecated class annotation and `ingressClassName` may both be set only if they agree. */
function ingressClassCauses(obj: Obj): StatusCause[] {
  const annotation = ((obj.metadata as Obj | undefined)?.annotations as Obj | undefined)?.[
    "kubernetes.io/ingress.class"
  ];
  const className = (obj.spec as Obj | undefined)?.ingressClassName;
  if (typeof annotation !== "string" || typeof className !== "string" || annotation === className)
    return [];
  return [
    invalidValue(
      "annotations.kubernetes.io/ingress.class",
      annotation,
      "must match `ingressClassName` when both are specified",
    ),
  ];
}

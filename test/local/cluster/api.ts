/**
 * The verbs (get, list, create, update, patch, delete, deletecollection) with kube-apiserver's
 * semantics: uid/resourceVersion/generation, optimistic concurrency, validation, finalizers and
 * deletion propagation. Knows nothing about HTTP.
 */
import { randomUUID } from "node:crypto";
import { AMALTHEASESSION_CRD_PATH, CrdSchema } from "./crd-schema.js";
import { metadataCauses } from "./names.js";
import { applyPatch } from "./patch.js";
import { apiVersionOf, findResource, qualifiedName, RESOURCES } from "./resources.js";
import type { FieldRequirement, Requirement } from "./selectors.js";
import {
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  namespaceNotFound,
  notFound,
  type StatusBody,
  type StatusCause,
  success,
} from "./status.js";
import { type ListResult, Store } from "./store.js";
import type { KObject, ResourceDef } from "./types.js";
import { admitPod } from "./validation/admission.js";
import { builtInCauses } from "./validation/index.js";

export type PropagationPolicy = "Foreground" | "Background" | "Orphan";

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
}

const NAMESPACES = RESOURCES.find((r) => r.resource === "namespaces") as ResourceDef;

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * ObjectMeta is a Go struct: a null field decodes to its zero value and is then left out, and a
 * null value in the labels or annotations map decodes to "" (encoding/json's rule for map values).
 */
function decodeMetaNulls(meta: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(meta)) if (v === null) delete meta[k];
  for (const key of ["labels", "annotations"]) {
    const map = meta[key];
    if (!isObj(map)) continue;
    for (const [k, v] of Object.entries(map)) if (v === null) map[k] = "";
  }
}

/** Custom kinds whose `status` is written only through the /status subresource. */
export const hasStatusSubresource = (def: ResourceDef) =>
  def.custom && (def.subresources ?? []).includes("status");

/** Schemas of the CRDs besides JupyterServer's, compiled once per process on first use. */
const CRD_FILES: Record<string, string> = { amaltheasessions: AMALTHEASESSION_CRD_PATH };
const compiled = new Map<string, CrdSchema>();

/** Everything but metadata (and status, with a status subresource): a change here bumps generation. */
function specPart(o: Record<string, unknown>, custom: boolean, statusApart = false): string {
  if (custom) {
    const { metadata: _m, ...rest } = o;
    if (statusApart) delete rest.status;
    return JSON.stringify(rest);
  }
  return JSON.stringify(o.spec ?? null);
}

export class KubeApi {
  readonly store = new Store();
  readonly crd = new CrdSchema();
  /** uid -> where the object lives, for owner references and the garbage collector. */
  readonly byUid = new Map<string, { def: ResourceDef; ns: string | undefined; name: string }>();

  constructor(readonly now: () => Date = () => new Date()) {
    this.store.onChange((type, def, obj) => {
      if (type === "DELETED") this.byUid.delete(obj.metadata.uid);
      else
        this.byUid.set(obj.metadata.uid, {
          def,
          ns: obj.metadata.namespace,
          name: obj.metadata.name,
        });
    });
  }

  timestamp(offsetSeconds = 0): string {
    return new Date(this.now().getTime() + offsetSeconds * 1000)
      .toISOString()
      .replace(/\.\d+Z$/, "Z");
  }

  ensureNamespace(ns: string): void {
    if (this.store.peek(NAMESPACES, undefined, ns)) return;
    this.store.put(NAMESPACES, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: ns,
        uid: randomUUID(),
        resourceVersion: "",
        creationTimestamp: this.timestamp(),
        labels: { "kubernetes.io/metadata.name": ns },
      },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    });
  }

  private requireNamespace(def: ResourceDef, ns: string | undefined): void {
    if (!def.namespaced) return;
    if (!ns || !this.store.peek(NAMESPACES, undefined, ns)) throw namespaceNotFound(ns ?? "");
  }

  get(def: ResourceDef, ns: string | undefined, name: string): KObject {
    const o = this.store.get(def, ns, name);
    if (!o) throw notFound(def, name);
    return o;
  }

  list(
    def: ResourceDef,
    opts: {
      namespace?: string;
      labels?: Requirement[];
      fields?: FieldRequirement[];
      limit?: number;
      continueToken?: string;
    },
  ): ListResult {
    return this.store.list(def, opts);
  }

  /** The schema a custom kind is validated against. */
  crdFor(def: ResourceDef): CrdSchema {
    const file = CRD_FILES[def.resource];
    if (!file) return this.crd;
    let schema = compiled.get(file);
    if (!schema) {
      schema = new CrdSchema(file);
      compiled.set(file, schema);
    }
    return schema;
  }

  /** Shared checks for create/update/patch; returns the object as it will be stored. */
  private admit(
    def: ResourceDef,
    obj: Record<string, unknown>,
    name: string,
    old?: KObject,
  ): KObject {
    const causes: StatusCause[] = [];
    const apiVersion = apiVersionOf(def);
    if (obj.kind !== undefined && obj.kind !== def.kind)
      throw badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`,
      );
    obj.apiVersion = apiVersion;
    obj.kind = def.kind;
    if (!isObj(obj.metadata)) obj.metadata = {};
    const meta = obj.metadata as Record<string, unknown>;
    decodeMetaNulls(meta);
    causes.push(...metadataCauses(meta, def.resource === "namespaces" ? "label" : "subdomain"));
    if (meta.annotations !== undefined && !isObj(meta.annotations))
      causes.push({
        reason: "FieldValueInvalid",
        message: "Invalid value: must be a map",
        field: "metadata.annotations",
      });
    if (def.custom)
      causes.push(...this.crdFor(def).admit(obj, old as Record<string, unknown> | undefined));
    causes.push(...builtInCauses(def, obj));
    if (causes.length) throw invalid(def, name, causes);
    return obj as unknown as KObject;
  }

  create(def: ResourceDef, ns: string | undefined, body: unknown): KObject {
    if (!isObj(body)) throw badRequest("Object 'Kind' is missing in 'null'");
    const obj = structuredClone(body);
    const meta = (isObj(obj.metadata) ? obj.metadata : {}) as Record<string, unknown>;
    obj.metadata = meta;
    if (def.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== ns)
        throw badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      meta.namespace = ns;
    } else delete meta.namespace;
    if ((meta.name === undefined || meta.name === "") && typeof meta.generateName === "string")
      meta.name = `${meta.generateName}${Math.random().toString(36).slice(2, 7)}`;
    const name = typeof meta.name === "string" ? meta.name : "";
    this.requireNamespace(def, ns);
    if (hasStatusSubresource(def)) delete obj.status; // a create cannot set it
    const stored = this.admit(def, obj, name);
    if (this.store.peek(def, ns, name)) throw alreadyExists(def, name);
    if (def.resource === "pods")
      admitPod(this.store, ns ?? "", stored as unknown as Record<string, unknown>);
    stored.metadata.uid = randomUUID();
    stored.metadata.creationTimestamp = this.timestamp();
    delete stored.metadata.deletionTimestamp;
    delete stored.metadata.deletionGracePeriodSeconds;
    if (def.hasSpec || def.custom) stored.metadata.generation = 1;
    else delete stored.metadata.generation;
    return structuredClone(this.store.put(def, stored));
  }

  /**
   * PUT: needs the current resourceVersion, else 409 Conflict (stale) or 422 (missing).
   * `subresource: "status"` is PUT .../status: only the status changes.
   */
  update(
    def: ResourceDef,
    ns: string | undefined,
    name: string,
    body: unknown,
    subresource?: "status",
  ): KObject {
    if (!isObj(body)) throw badRequest("Object 'Kind' is missing in 'null'");
    const current = this.store.peek(def, ns, name);
    if (!current) throw notFound(def, name);
    const meta = isObj(body.metadata) ? body.metadata : {};
    if (meta.name !== undefined && meta.name !== name)
      throw badRequest(
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
      );
    const rv = meta.resourceVersion;
    if (rv === undefined || rv === "")
      throw invalid(def, name, [
        {
          reason: "FieldValueInvalid",
          message: "Invalid value: 0x0: must be specified for an update",
          field: "metadata.resourceVersion",
        },
      ]);
    if (rv !== current.metadata.resourceVersion) throw conflict(def, name);
    return this.replace(def, current, structuredClone(body), subresource);
  }

  patch(
    def: ResourceDef,
    ns: string | undefined,
    name: string,
    body: unknown,
    contentType: string,
    subresource?: "status",
  ): KObject {
    const current = this.store.peek(def, ns, name);
    if (!current) throw notFound(def, name);
    const patched = applyPatch(structuredClone(current), body, contentType, def.custom);
    if (!isObj(patched)) throw badRequest("the patch produced something that is not an object");
    const meta = isObj(patched.metadata) ? patched.metadata : {};
    // A resourceVersion carried by the patch is a precondition (optimistic locking).
    if (
      meta.resourceVersion !== undefined &&
      meta.resourceVersion !== current.metadata.resourceVersion
    )
      throw conflict(def, name);
    return this.replace(def, current, patched, subresource);
  }

  private replace(
    def: ResourceDef,
    current: KObject,
    body: Record<string, unknown>,
    subresource?: "status",
  ): KObject {
    const name = current.metadata.name;
    let next = body;
    if (hasStatusSubresource(def)) {
      // The main resource ignores status; /status ignores everything else.
      if (subresource === "status")
        next = { ...structuredClone(current), status: structuredClone(body.status) };
      else next.status = structuredClone(current.status);
    }
    if (!isObj(next.metadata)) next.metadata = {};
    const meta = next.metadata as Record<string, unknown>;
    // Fields the server owns.
    meta.name = name;
    if (def.namespaced) meta.namespace = current.metadata.namespace;
    meta.uid = current.metadata.uid;
    meta.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.deletionTimestamp) {
      meta.deletionTimestamp = current.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (current.metadata.deletionTimestamp && Array.isArray(meta.finalizers)) {
      const added = (meta.finalizers as string[]).filter(
        (f) => !(current.metadata.finalizers ?? []).includes(f),
      );
      if (added.length)
        throw invalid(def, name, [
          {
            reason: "FieldValueForbidden",
            message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}`,
            field: "metadata.finalizers",
          },
        ]);
    }
    const stored = this.admit(def, next, name, current);
    const gen = current.metadata.generation;
    if (gen !== undefined) {
      const statusApart = hasStatusSubresource(def);
      stored.metadata.generation =
        specPart(stored as unknown as Record<string, unknown>, def.custom, statusApart) ===
        specPart(current as unknown as Record<string, unknown>, def.custom, statusApart)
          ? gen
          : gen + 1;
    }
    if (stored.metadata.deletionTimestamp && !(stored.metadata.finalizers ?? []).length) {
      // The last finalizer went: the object is gone now.
      this.store.put(def, stored, false);
      const gone = this.store.remove(def, stored.metadata.namespace, name) as KObject;
      return structuredClone(gone);
    }
    return structuredClone(this.store.put(def, stored));
  }

  /**
   * DELETE: objects with finalizers (or Foreground propagation, or a pod's grace period) stay with
   * deletionTimestamp set; others go now. Returns the object (custom kinds, or still present) or a Status.
   */
  delete(
    def: ResourceDef,
    ns: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): { body: KObject | StatusBody; gone: boolean } {
    const current = this.store.peek(def, ns, name);
    if (!current) throw notFound(def, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid)
      throw conflict(def, name).withMessage(
        `Operation cannot be fulfilled on ${qualifiedName(def)} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
      throw conflict(def, name).withMessage(
        `Operation cannot be fulfilled on ${qualifiedName(def)} "${name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    const obj = structuredClone(current);
    const finalizers = [...(obj.metadata.finalizers ?? [])];
    const policy =
      opts.propagationPolicy ?? (def.resource === "namespaces" ? "Foreground" : "Background");
    if (obj.metadata.deletionTimestamp) {
      // Already being deleted: a shorter grace period for a pod still applies.
      if (def.resource === "pods" && opts.gracePeriodSeconds === 0 && !finalizers.length) {
        const gone = this.store.remove(def, ns, name) as KObject;
        return { body: structuredClone(gone), gone: true };
      }
      return { body: obj, gone: false };
    }
    if (
      policy === "Foreground" &&
      def.resource !== "namespaces" &&
      this.hasDependents(obj.metadata.uid)
    )
      finalizers.push("foregroundDeletion");
    if (policy === "Orphan") finalizers.push("orphan");
    let grace = 0;
    if (def.resource === "pods") {
      const spec = (obj.spec ?? {}) as { terminationGracePeriodSeconds?: number };
      grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
    }
    if (def.resource === "namespaces") {
      (obj.status as Record<string, unknown>).phase = "Terminating";
      finalizers.push("kubernetes-contents");
    }
    if (finalizers.length || grace > 0) {
      obj.metadata.deletionTimestamp = this.timestamp(grace);
      obj.metadata.deletionGracePeriodSeconds = grace;
      obj.metadata.finalizers = finalizers.filter((f) => f !== "kubernetes-contents");
      if (!obj.metadata.finalizers.length) delete obj.metadata.finalizers;
      this.store.put(def, obj);
      return { body: structuredClone(obj), gone: false };
    }
    const gone = this.store.remove(def, ns, name) as KObject;
    return {
      body:
        def.custom || def.resource === "pods"
          ? structuredClone(gone)
          : success(def, name, gone.metadata.uid),
      gone: true,
    };
  }

  hasDependents(uid: string): boolean {
    return this.dependentsOf(uid).length > 0;
  }

  /** Objects that name `uid` among their ownerReferences. */
  dependentsOf(uid: string): Array<{ def: ResourceDef; obj: KObject }> {
    const out: Array<{ def: ResourceDef; obj: KObject }> = [];
    for (const def of RESOURCES) {
      if (!def.namespaced) continue;
      for (const o of this.store.all(def))
        if (o.metadata.ownerReferences?.some((r) => r.uid === uid)) out.push({ def, obj: o });
    }
    return out;
  }

  resource(group: string, version: string, resource: string): ResourceDef | undefined {
    return findResource(group, version, resource);
  }
}

/** Shapes shared by the local cluster's modules. Objects are plain JSON, as on the wire. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  generateName?: string;
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** A stored object: apiVersion/kind/metadata plus whatever the kind carries. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** A resource type the server answers for. */
export interface ResourceDef {
  group: string; // "" for core
  version: string;
  resource: string; // plural
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Custom resources take json/merge patches only and return the object on delete. */
  custom: boolean;
  /** Does a change to spec bump metadata.generation? (true when the kind has a spec) */
  hasSpec: boolean;
  subresources?: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string without "?", when there is one. */
  query?: string;
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The connection closed before the whole answer was sent (a client's timeout, a fault). */
  unanswered?: true;
}

export type Timing = "manual" | "instant" | { stepMs: number };

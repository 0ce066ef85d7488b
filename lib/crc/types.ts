/** What the resource-pool service answers (its pools and classes) and the filter it takes. */

/** A node affinity of a class (sessions/types.ts declares the same shape for the launch). */
interface NodeAffinity {
  key: string;
  required_during_scheduling: boolean;
}

export interface ResourceClass {
  id: number;
  name: string;
  /** Cores. */
  cpu: number;
  /** GB. */
  memory: number;
  gpu: number;
  /** GB. */
  max_storage: number;
  /** GB. */
  default_storage: number;
  default: boolean;
  matching?: boolean;
  node_affinities?: NodeAffinity[];
  tolerations?: string[];
}

export interface ResourcePool {
  id: number;
  name: string;
  default: boolean;
  quota?: { id: string; cpu?: number; memory?: number; gpu?: number } | null;
  idle_threshold?: number | null;
  hibernation_threshold?: number | null;
  classes: ResourceClass[];
}

/** The filter the resource-pool service takes: cores, and whole GB as Python's round() gives them. */
export interface PoolQuery {
  cpu: number;
  memory: number;
  gpu: number;
  max_storage: number;
}

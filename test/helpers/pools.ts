/**
 * The resource pools the tests of resource-class selection and of the launch share, in the
 * resource-pool service's wire format: a public default pool (classes 1, the default, and 2) and
 * a private GPU pool with a quota and thresholds (classes 3 and 4, 4 not matching).
 */
import type { ResourcePool } from "../../lib/crc/types.js";

/** A resource class: 1 CPU, 2 GB, no GPU, 2 of at most 20 GB storage, unless told otherwise. */
export const cls = (id: number, over: Partial<ResourcePool["classes"][number]> = {}) => ({
  id,
  name: `class-${id}`,
  cpu: 1,
  memory: 2,
  gpu: 0,
  max_storage: 20,
  default_storage: 2,
  default: false,
  matching: true,
  ...over,
});

export const POOLS: ResourcePool[] = [
  {
    id: 1,
    name: "public",
    default: true,
    quota: null,
    classes: [
      cls(1, { default: true, cpu: 0.5, memory: 1, max_storage: 10, default_storage: 1 }),
      cls(2),
    ],
  },
  {
    id: 2,
    name: "gpu pool",
    default: false,
    quota: { id: "gpu-quota", cpu: 10, memory: 100, gpu: 4 },
    idle_threshold: 3600,
    hibernation_threshold: 7200,
    classes: [
      cls(3, {
        cpu: 4,
        memory: 16,
        gpu: 1,
        max_storage: 100,
        tolerations: ["gpu"],
        node_affinities: [{ key: "gpu-node", required_during_scheduling: true }],
      }),
      cls(4, { cpu: 8, memory: 32, gpu: 2, max_storage: 200, matching: false }),
    ],
  },
];

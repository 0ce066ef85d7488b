/** The pools, classes and quotas the resource-pool double serves unless a test gives its own. */
import type { ResourcePool } from "../../../lib/crc/types.js";

export interface CrcPoolSeed extends ResourcePool {
  /** Public pools are visible to everyone, anonymous callers included. */
  public: boolean;
  /** For non-public pools: the usernames that may use them. */
  users?: string[];
}

export const CRC_SEED: CrcPoolSeed[] = [
  {
    id: 1,
    name: "Public pool",
    public: true,
    default: true,
    quota: { id: "public-quota", cpu: 100, memory: 200, gpu: 0 },
    classes: [
      {
        id: 1,
        name: "small",
        cpu: 0.5,
        memory: 1,
        gpu: 0,
        max_storage: 10,
        default_storage: 1,
        default: true,
      },
      {
        id: 2,
        name: "medium",
        cpu: 1,
        memory: 2,
        gpu: 0,
        max_storage: 20,
        default_storage: 5,
        default: false,
      },
    ],
  },
  {
    id: 2,
    name: "GPU pool",
    public: false,
    users: ["alice"],
    default: false,
    quota: { id: "gpu-quota", cpu: 16, memory: 64, gpu: 2 },
    idle_threshold: 3600,
    hibernation_threshold: 7200,
    classes: [
      {
        id: 3,
        name: "gpu",
        cpu: 2,
        memory: 8,
        gpu: 1,
        max_storage: 50,
        default_storage: 10,
        default: true,
        node_affinities: [{ key: "renku.io/gpu", required_during_scheduling: true }],
        tolerations: ["renku.io/gpu"],
      },
    ],
  },
];

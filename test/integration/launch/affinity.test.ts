/**
 * Resource classes with required, preferred and mixed node affinities, on both backends, against
 * a cluster that validates pod templates as kube-apiserver does: each session's StatefulSet is
 * accepted and its pod runs, and a class's required term narrows every configured term.
 */
import { describe, expect, it } from "vitest";
import { registeredHeaders } from "../../helpers/users.js";
import type { CrcPoolSeed } from "../../local/crc/index.js";
import { sessionsApi } from "../sessions/api.js";
import { crcStack } from "./crc-stack.js";
import { helloBody, launch } from "./helpers.js";

const cls = (id: number, name: string, affinities: Array<[string, boolean]>) => ({
  id,
  name,
  cpu: 0.5,
  memory: 1,
  gpu: 0,
  max_storage: 10,
  default_storage: 1,
  default: id === 1,
  node_affinities: affinities.map(([key, required]) => ({
    key,
    required_during_scheduling: required,
  })),
});

const POOLS: CrcPoolSeed[] = [
  {
    id: 1,
    name: "Affinity pool",
    public: true,
    default: true,
    quota: null,
    classes: [
      cls(1, "required", [["renku.io/cpu-node", true]]),
      cls(2, "preferred", [["renku.io/fast-disk", false]]),
      cls(3, "mixed", [
        ["renku.io/cpu-node", true],
        ["renku.io/fast-disk", false],
      ]),
    ],
  },
];

/** The operator's own required term: sessions go to user nodes in either zone. */
const CONFIGURED = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [
        { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] },
        { matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] },
      ],
    },
  },
};

const alice = registeredHeaders({ username: "alice" });

describe.each(["jupyterserver", "amaltheasession"])("node affinities on %s", (backend) => {
  const { stack } = crcStack(backend, {
    pools: POOLS,
    env: { NB_SESSIONS__AFFINITY: JSON.stringify(CONFIGURED) },
  });

  const podAffinity = async (name: string) =>
    (await stack().deps.k8s.getPod(`${name}-0`))?.spec?.affinity?.nodeAffinity;

  it.each([
    ["required", 1, "main"],
    ["preferred", 2, "feature/plots"],
    ["mixed", 3, "master"],
  ])("a class with %s affinities runs", async (_kind, classId, branch) => {
    const res = await launch(alice, helloBody({ branch, resource_class_id: classId }));
    expect(res.status).toBe(201);
    const name = (res.json as { name: string }).name;
    await stack().cluster.amalthea.settle();
    expect((await sessionsApi(alice).get(name)).json.status.state).toBe("running");
    const affinity = await podAffinity(name);
    const terms = affinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    const cpuNode = { key: "renku.io/cpu-node", operator: "Exists" };
    // Terms are ORed: the class's term is in each configured one, never beside them.
    expect(terms).toEqual([
      {
        matchExpressions: [
          { key: "zone", operator: "In", values: ["a"] },
          ...(classId === 2 ? [] : [cpuNode]),
        ],
      },
      {
        matchExpressions: [
          { key: "zone", operator: "In", values: ["b"] },
          ...(classId === 2 ? [] : [cpuNode]),
        ],
      },
    ]);
    expect(affinity?.preferredDuringSchedulingIgnoredDuringExecution).toEqual(
      classId === 1
        ? undefined
        : [
            {
              weight: 1,
              preference: {
                matchExpressions: [{ key: "renku.io/fast-disk", operator: "Exists" }],
              },
            },
          ],
    );
  });
});

describe.each(["jupyterserver", "amaltheasession"])(
  "a preferred-only class without configured affinity on %s",
  (backend) => {
    const { stack } = crcStack(backend, { pools: POOLS });

    it("runs with no required block (an empty one is refused)", async () => {
      const res = await launch(alice, helloBody({ resource_class_id: 2 }));
      expect(res.status).toBe(201);
      const name = (res.json as { name: string }).name;
      await stack().cluster.amalthea.settle();
      expect((await sessionsApi(alice).get(name)).json.status.state).toBe("running");
      const pod = await stack().deps.k8s.getPod(`${name}-0`);
      expect(pod?.spec?.affinity).toEqual({
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 1,
              preference: {
                matchExpressions: [{ key: "renku.io/fast-disk", operator: "Exists" }],
              },
            },
          ],
        },
      });
    });
  },
);

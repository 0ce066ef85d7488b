/** The built-in object rules of the local cluster, with kube-apiserver's fields and messages. */
import { describe, expect, it } from "vitest";
import { RESOURCES } from "../resources.js";
import { KubeError } from "../status.js";
import type { ResourceDef } from "../types.js";
import { builtInCauses } from "../validation/index.js";

const def = (resource: string) => RESOURCES.find((r) => r.resource === resource) as ResourceDef;
const pod = (spec: object) => ({ metadata: { name: "p" }, spec });
const main = (extra: object = {}) => ({ name: "main", image: "busybox", ...extra });
const messages = (resource: string, obj: object) =>
  builtInCauses(def(resource), obj as Record<string, unknown>).map(
    (c) => `${c.field}: ${c.message}`,
  );

describe("pod template rules", () => {
  it("affinity weights stay within 1-100", () => {
    const spec = {
      containers: [main()],
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 0, preference: { matchExpressions: [] } },
            { weight: 101, preference: { matchExpressions: [] } },
            { weight: 100, preference: { matchExpressions: [] } },
          ],
        },
      },
    };
    expect(messages("pods", pod(spec))).toEqual([
      "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100",
      "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[1].weight: Invalid value: 101: must be in the range 1-100",
    ]);
  });

  it("tolerations name a known operator and effect", () => {
    const spec = {
      containers: [main()],
      tolerations: [
        { key: "a", operator: "In", effect: "NoSchedule" },
        { key: "b", operator: "Exists", effect: "Sometimes" },
        { key: "c", operator: "Exists", value: "x" },
        { key: "d", operator: "Equal", value: "v", effect: "NoExecute" },
      ],
    };
    expect(messages("pods", pod(spec))).toEqual([
      'spec.tolerations[0].operator: Unsupported value: "In": supported values: "Equal", "Exists"',
      'spec.tolerations[1].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      "spec.tolerations[2].operator: Invalid value: \"x\": value must be empty when `operator` is 'Exists'",
    ]);
  });

  it("requests stay at or below limits, and quantities are not negative", () => {
    const resources = { requests: { cpu: "2", memory: "-1" }, limits: { cpu: "1500m" } };
    expect(
      messages("statefulsets", {
        spec: { template: { spec: { containers: [main({ resources })] } } },
      }),
    ).toEqual([
      'spec.template.spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1500m',
    ]);
  });

  it("a quantity the decoder cannot read is the decoder's 400", () => {
    let err: unknown;
    try {
      builtInCauses(
        def("pods"),
        pod({ containers: [main({ resources: { limits: { cpu: "lots" } } })] }),
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).body).toMatchObject({
      code: 400,
      reason: "BadRequest",
      message:
        "Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    });
  });

  it("env names are printable ASCII without '='; a name is required", () => {
    const env = [{ name: "A=B", value: "1" }, { name: "" }, { name: "1.ok-name", value: "2" }];
    expect(messages("pods", pod({ containers: [main({ env })] }))).toEqual([
      `spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
      "spec.containers[0].env[1].name: Required value",
    ]);
  });

  it("a container name is a DNS label, unique across init and regular containers", () => {
    const spec = { initContainers: [main()], containers: [main(), { name: "Main_2", image: "x" }] };
    const out = messages("pods", pod(spec));
    expect(out[0]).toBe('spec.containers[0].name: Duplicate value: "main"');
    expect(out[1]).toMatch(
      /^spec\.containers\[1\]\.name: Invalid value: "Main_2": a lowercase RFC 1123 label must consist of/,
    );
  });
});

describe("sizes", () => {
  it("a ConfigMap holds at most 1 MiB, and kube-apiserver names no field", () => {
    const data = { big: "x".repeat(1024 * 1024) };
    expect(messages("configmaps", { metadata: { name: "c" }, data })).toEqual([
      "[]: Too long: may not be more than 1048576 bytes",
    ]);
    expect(
      messages("configmaps", { metadata: { name: "c" }, data: { b: "x".repeat(1024 * 1024 - 1) } }),
    ).toEqual([]);
  });

  it("a Secret counts decoded data and stringData", () => {
    const half = "x".repeat(512 * 1024);
    expect(
      messages("secrets", {
        metadata: { name: "s" },
        data: { a: Buffer.from(half).toString("base64") },
        stringData: { b: half },
      }),
    ).toEqual(["data: Too long: may not be more than 1048576 bytes"]);
  });

  it("annotations hold at most 256 KiB, custom resources included", () => {
    const annotations = { "renku.io/big": "x".repeat(256 * 1024) };
    expect(messages("amaltheasessions", { metadata: { name: "a", annotations } })).toEqual([
      "metadata.annotations: Too long: may not be more than 262144 bytes",
    ]);
  });
});

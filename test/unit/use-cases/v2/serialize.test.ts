/** An AmaltheaSession as data-services' as_apispec shows it (amaltheasession.md 6.4). */
import { describe, expect, it } from "vitest";
import type { AmaltheaSession } from "../../../../lib/backends/amaltheasession/types.js";
import { roundHalfEven, toSessionResponse } from "../../../../lib/use-cases/v2/serialize.js";

function cr(over: {
  state?: string;
  hibernated?: boolean;
  deleting?: boolean;
  status?: Record<string, unknown>;
  culling?: Record<string, string>;
  ingress?: boolean;
  labels?: Record<string, string>;
}): AmaltheaSession {
  return {
    apiVersion: "amalthea.dev/v1alpha1",
    kind: "AmaltheaSession",
    metadata: {
      name: "alice-0123456789ab",
      labels: { "renku.io/safe-username": "sub-alice", ...over.labels },
      annotations: {
        "renku.io/project_id": "01JDV2PRJ00000000000000001",
        "renku.io/launcher_id": "01JDV2SES00000000000000001",
        "renku.io/resource_class_id": "2",
        "renku.io/resource_pool_id": "1",
      },
      creationTimestamp: "2026-01-01T10:00:00Z",
      ...(over.deleting ? { deletionTimestamp: "2026-01-01T11:00:00Z" } : {}),
    } as never,
    spec: {
      hibernated: over.hibernated ?? false,
      session: {
        image: "renku/singleuser:latest",
        urlPath: "/sessions/alice-0123456789ab/lab",
        storage: { size: "5G" },
        resources: { requests: { cpu: "1500m", memory: "2Gi" } },
      },
      ...(over.ingress === false ? {} : { ingress: { host: "renku.example.org" } }),
      ...(over.culling ? { culling: over.culling } : {}),
    },
    status: { state: (over.state ?? "Running") as never, ...over.status },
  };
}

describe("toSessionResponse", () => {
  it.each([
    ["Running", false, false, "running"],
    ["Running", true, false, "hibernated"],
    ["Hibernated", true, false, "hibernated"],
    ["Hibernated", false, false, "starting"],
    ["Failed", false, false, "failed"],
    ["RunningDegraded", false, false, "running"],
    ["NotReady", false, true, "stopping"],
    ["NotReady", false, false, "starting"],
    ["Succeeded", false, false, "succeeded"],
  ])("%s (hibernated %s, deleting %s) is %s", (state, hibernated, deleting, want) => {
    expect(toSessionResponse(cr({ state, hibernated, deleting })).status.state).toBe(want);
  });

  it("sums init and regular container counts, converts resources, and leaves out what is null", () => {
    const r = toSessionResponse(
      cr({
        status: {
          initContainerCounts: { ready: 2, total: 2 },
          containerCounts: { ready: 3, total: 4 },
          url: "https://renku.example.org/sessions/alice-0123456789ab/lab/",
        },
      }),
    );
    expect(r).toEqual({
      image: "renku/singleuser:latest",
      name: "alice-0123456789ab",
      resources: { requests: { cpu: 1.5, memory: 2, storage: 5 } },
      started: "2026-01-01T10:00:00Z",
      status: { state: "running", ready_containers: 5, total_containers: 6 },
      url: "https://renku.example.org/sessions/alice-0123456789ab/lab/",
      project_id: "01JDV2PRJ00000000000000001",
      launcher_id: "01JDV2SES00000000000000001",
      resource_class_id: 2,
      session_type: "interactive",
      command_args: [],
    });
  });

  it("rebuilds the url from the ingress, else says None", () => {
    expect(toSessionResponse(cr({})).url).toBe(
      "http://renku.example.org/sessions/alice-0123456789ab/lab/",
    );
    expect(toSessionResponse(cr({ ingress: false })).url).toBe("None");
  });

  it("computes will_delete_at from hibernatedSince and maxHibernatedDuration", () => {
    const r = toSessionResponse(
      cr({
        state: "Hibernated",
        hibernated: true,
        status: { hibernatedSince: "2026-01-01T12:00:00Z", error: "boom" },
        culling: { maxHibernatedDuration: "24h0m0s", lastInteraction: "2026-01-01T11:00:00Z" },
      }),
    );
    expect(r.status).toMatchObject({ will_delete_at: "2026-01-02T12:00:00Z", message: "boom" });
    expect(r.lastInteraction).toBe("2026-01-01T11:00:00Z");
  });

  it("reads non_interactive sessions as jobs", () => {
    const r = toSessionResponse(cr({ labels: { "renku.io/session-type": "non_interactive" } }));
    expect(r.session_type).toBe("non-interactive");
  });

  it("rounds halves to even, as Python", () => {
    expect([0.5, 1.5, 2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3]);
  });
});

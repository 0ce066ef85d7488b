/**
 * Quota reservations (lib/quotas/reserve.ts) kept as JSON in ConfigMaps of the sessions namespace,
 * one per scope, written only at the resourceVersion they were read at.
 */
import * as z from "zod/mini";
import type { NamespaceClient } from "../k8s/namespace-client.js";
import type { Reservation, ReservationStore } from "../quotas/reserve.js";

export const RESERVATIONS_KEY = "reservations.json";

const reservationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["registered", "anonymous"]),
  ownerId: z.string(),
  cpu: z.number(),
  memory: z.number(),
  at: z.number(),
}) satisfies z.ZodMiniType<Reservation>;

/** Malformed entries (hand edits) are dropped: they would otherwise block every launch. */
function parse(raw: string | undefined): Reservation[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((r) => {
      const ok = reservationSchema.safeParse(r);
      return ok.success ? [ok.data] : [];
    });
  } catch {
    return [];
  }
}

export function configMapReservationStore(
  repo: Pick<NamespaceClient, "getConfigMap" | "putConfigMap">,
  prefix: string,
): ReservationStore {
  const nameOf = (scope: string) => `${prefix}-${scope}`;
  return {
    async read(scope) {
      const cm = await repo.getConfigMap(nameOf(scope));
      if (!cm) return { reservations: [], version: "" };
      return { reservations: parse(cm.data[RESERVATIONS_KEY]), version: cm.resourceVersion };
    },
    // putConfigMap throws ConflictError on a stale version (or a concurrent create).
    async write(scope, reservations, version) {
      await repo.putConfigMap(
        nameOf(scope),
        { [RESERVATIONS_KEY]: JSON.stringify(reservations) },
        version === "" ? undefined : version,
      );
    },
  };
}

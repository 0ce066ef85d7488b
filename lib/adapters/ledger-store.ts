/**
 * The autosave ledger (D17) kept as JSON in one ConfigMap of the sessions namespace, with optimistic
 * concurrency on its resourceVersion. Satisfies lib/autosave's LedgerStore structurally.
 */
import * as z from "zod/mini";
import type { LedgerEntry } from "../autosave/ports.js";
import { LedgerConflictError } from "../errors.js";
import { ConflictError } from "../k8s/api-errors.js";
import type { NamespaceClient } from "../k8s/namespace-client.js";

export const LEDGER_KEY = "ledger.json";

const entrySchema = z.object({
  projectId: z.int(),
  projectPath: z.string(),
  lastLaunch: z.string(),
}) satisfies z.ZodMiniType<LedgerEntry>;

export interface ConfigMapLedgerStore {
  /** version "" means the ConfigMap does not exist yet; writing at "" creates it. */
  read(): Promise<{ entries: LedgerEntry[]; version: string }>;
  /** Throws LedgerConflictError when `version` is stale. */
  write(entries: LedgerEntry[], version: string): Promise<void>;
}

export function configMapLedgerStore(
  repo: Pick<NamespaceClient, "getConfigMap" | "putConfigMap">,
  name: string,
): ConfigMapLedgerStore {
  return {
    async read() {
      const cm = await repo.getConfigMap(name);
      if (!cm) return { entries: [], version: "" };
      return { entries: parseEntries(cm.data[LEDGER_KEY]), version: cm.resourceVersion };
    },
    async write(entries, version) {
      try {
        await repo.putConfigMap(
          name,
          { [LEDGER_KEY]: JSON.stringify(entries) },
          version === "" ? undefined : version,
        );
      } catch (err) {
        // The port's own error, by type: the autosave logic knows nothing of Kubernetes.
        if (err instanceof ConflictError) throw new LedgerConflictError({ cause: err });
        throw err;
      }
    },
  };
}

/** Malformed entries (hand edits) are dropped rather than failing every launch. */
function parseEntries(raw: string | undefined): LedgerEntry[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((e) => {
    const r = entrySchema.safeParse(e);
    return r.success ? [r.data] : [];
  });
}

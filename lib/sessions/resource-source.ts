import type { PoolQuery, ResourcePool } from "../crc/types.js";
/**
 * Where a session's resources come from (D16): the static server options, or the resource-pool
 * service's pools for the caller. Chosen once, when a function is wired (lib/adapters/resources.ts).
 */

export type ResourceSource =
  | { kind: "static" }
  | {
      kind: "pools";
      /**
       * The pools this caller may use, asked with their access token (none for anonymous); a
       * legacy request also sends its filter, as the reference did.
       */
      pools(accessToken: string | undefined, query?: PoolQuery): Promise<readonly ResourcePool[]>;
    };
